namespace ContinualSegment.Dicom;

/// <summary>A registered DICOM UID (PS3.6 Annex A): value, keyword, name, kind ("SOP Class", "Transfer Syntax", ...).</summary>
public sealed record DicomUidInfo(string Uid, string Keyword, string Name, string Kind, bool IsRetired);
