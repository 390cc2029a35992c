
namespace ContinualSegment.Dicom.Network.Tests;

internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string failure, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(failure);
            }

            await Task.Delay(20);
        }
    }
}
