using System.Buffers.Binary;
using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Tests;

public sealed class DimseMessageCodecTests
{
    [Fact]
    public void CommandSetStartsWithAGroupLengthCoveringTheRest()
    {
        var bytes = DimseMessageCodec.Encode(new CEchoRequest { MessageId = 7, AffectedSopClassUid = DicomUids.Verification });
        Assert.Equal(0x0000, BinaryPrimitives.ReadUInt16LittleEndian(bytes));
        Assert.Equal(0x0000, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)));
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((uint)(bytes.Length - 12), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(0, bytes.Length % 2);
    }

    [Fact]
    public void CommandSetIsReadableAsImplicitLittleEndianByTheCoreReader()
    {
        var request = new CStoreRequest
        {
            MessageId = 12,
            AffectedSopClassUid = DicomUids.CTImageStorage,
            AffectedSopInstanceUid = "1.2.3.4.5",
            Priority = DimsePriority.High,
            MoveOriginatorAeTitle = "MOVER",
            MoveOriginatorMessageId = 3,
        };
        var ds = DicomDatasetReader.Read(DimseMessageCodec.Encode(request), DicomTransferSyntax.ImplicitVRLittleEndian);
        Assert.Equal(0x0001, ds.GetElement(new DicomTag(0x0000, 0x0100)).GetSpan<ushort>()[0]);
        Assert.Equal(0x0000, ds.GetElement(new DicomTag(0x0000, 0x0800)).GetSpan<ushort>()[0]);
        Assert.Equal("1.2.3.4.5", ds.GetElement(new DicomTag(0x0000, 0x1000)).GetString().TrimEnd('\0'));
        Assert.Equal("MOVER", ds.GetElement(new DicomTag(0x0000, 0x1030)).GetString().Trim());
    }

    [Fact]
    public void MessagesRoundTrip()
    {
        DimseMessage[] messages =
        [
            new CEchoRequest { MessageId = 1, AffectedSopClassUid = DicomUids.Verification },
            new CEchoResponse { MessageIdBeingRespondedTo = 1, AffectedSopClassUid = DicomUids.Verification, Status = DimseStatus.Success },
            new CStoreRequest { MessageId = 2, AffectedSopClassUid = DicomUids.CTImageStorage, AffectedSopInstanceUid = "1.2.3", MoveOriginatorAeTitle = "ORIG", MoveOriginatorMessageId = 9 },
            new CStoreResponse { MessageIdBeingRespondedTo = 2, AffectedSopClassUid = DicomUids.CTImageStorage, AffectedSopInstanceUid = "1.2.3", Status = DimseStatus.OutOfResources, ErrorComment = "disk full" },
            new CFindRequest { MessageId = 3, AffectedSopClassUid = DicomQueryRetrieveUids.ModalityWorklistFind, Priority = DimsePriority.Low },
            new CFindResponse { MessageIdBeingRespondedTo = 3, AffectedSopClassUid = DicomQueryRetrieveUids.ModalityWorklistFind, Status = DimseStatus.Pending, DataSetPresent = true },
            new CMoveRequest { MessageId = 4, AffectedSopClassUid = DicomQueryRetrieveUids.StudyRootMove, MoveDestination = "DEST" },
            new CMoveResponse { MessageIdBeingRespondedTo = 4, Status = DimseStatus.Pending, Remaining = 5, Completed = 2, Failed = 1, Warning = 0 },
            new CCancelRequest { MessageIdBeingRespondedTo = 4 },
        ];
        foreach (var message in messages)
        {
            Assert.Equal(message, DimseMessageCodec.Decode(DimseMessageCodec.Encode(message)));
        }
    }

    [Fact]
    public void WrongGroupLengthIsRejected()
    {
        var bytes = DimseMessageCodec.Encode(new CEchoRequest { MessageId = 1, AffectedSopClassUid = DicomUids.Verification });
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 4);
        Assert.Throws<DimseProtocolException>(() => DimseMessageCodec.Decode(bytes));
    }

    [Fact]
    public void ElementLengthBeyondTheEndIsRejected()
    {
        var bytes = DimseMessageCodec.Encode(new CEchoRequest { MessageId = 1, AffectedSopClassUid = DicomUids.Verification });
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 0x7FFFFFF0);
        Assert.Throws<DimseProtocolException>(() => DimseMessageCodec.Decode(bytes));
    }

    [Theory]
    [InlineData(0x0000, DimseStatusCategory.Success)]
    [InlineData(0xFF00, DimseStatusCategory.Pending)]
    [InlineData(0xFF01, DimseStatusCategory.Pending)]
    [InlineData(0xFE00, DimseStatusCategory.Cancel)]
    [InlineData(0xB000, DimseStatusCategory.Warning)]
    [InlineData(0xB007, DimseStatusCategory.Warning)]
    [InlineData(0xB006, DimseStatusCategory.Warning)]
    [InlineData(0xA700, DimseStatusCategory.Failure)]
    [InlineData(0xA7FF, DimseStatusCategory.Failure)]
    [InlineData(0xA900, DimseStatusCategory.Failure)]
    [InlineData(0xC000, DimseStatusCategory.Failure)]
    [InlineData(0xCFFF, DimseStatusCategory.Failure)]
    [InlineData(0x0122, DimseStatusCategory.Failure)]
    [InlineData(0x0124, DimseStatusCategory.Failure)]
    [InlineData(0x0110, DimseStatusCategory.Failure)]
    public void StatusCategoriesFollowPs34(int code, DimseStatusCategory category) =>
        Assert.Equal(category, new DimseStatus((ushort)code).Category);
}
