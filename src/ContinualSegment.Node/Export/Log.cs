using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Export;

/// <summary>Log messages of export (event ids 16000-16099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 16000, Level = LogLevel.Information, Message = "Delivery {DeliveryId} to {Destination}: {Count} instance(s) sent")]
    public static partial void Delivered(ILogger logger, long deliveryId, string destination, int count);

    [LoggerMessage(EventId = 16001, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to {Destination}, attempt {Attempt}, failed ({State}): {Reason}")]
    public static partial void DeliveryFailed(ILogger logger, long deliveryId, string destination, int attempt, string state, string reason);

    [LoggerMessage(EventId = 16002, Level = LogLevel.Warning, Message = "Could not look for work in the database; trying again shortly: {Reason}")]
    public static partial void ClaimFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 16003, Level = LogLevel.Error, Message = "Delivery {DeliveryId} to {Destination}, attempt {Attempt}, failed unexpectedly ({State})")]
    public static partial void DeliveryFailedUnexpectedly(ILogger logger, long deliveryId, string destination, int attempt, string state, Exception exception);

    [LoggerMessage(EventId = 16004, Level = LogLevel.Error, Message = "Delivery {DeliveryId} could not be settled; its lease runs out and it is sent again")]
    public static partial void DeliveryNotSettled(ILogger logger, long deliveryId, Exception exception);

    [LoggerMessage(EventId = 16005, Level = LogLevel.Warning, Message = "Delivery {DeliveryId}: its lease could not be renewed (tried again shortly): {Reason}")]
    public static partial void LeaseRenewalFailed(ILogger logger, long deliveryId, string reason);

    [LoggerMessage(EventId = 16006, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to {Destination}: its lease was lost during the send; the exporter that holds it now settles it")]
    public static partial void DeliveryLeaseLost(ILogger logger, long deliveryId, string destination);
}
