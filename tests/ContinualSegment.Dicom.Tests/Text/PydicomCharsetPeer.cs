using System.Diagnostics;
using System.Text.Json;

namespace ContinualSegment.Dicom.Tests.Text;

/// <summary>
/// Runs Debian's pydicom (/usr/bin/python3) once and keeps what it reports: for every text element of the
/// character set sample files that ship with pydicom, the raw bytes, the Specific Character Set in force, the
/// values pydicom decodes and the bytes pydicom encodes them to; and pydicom's codec tables for the
/// single-byte and the 94×94 character sets. A missing python3 or pydicom fails the tests that use it.
/// </summary>
public sealed class PydicomCharsetPeer
{
    internal const string Python = "/usr/bin/python3";

    private const string Script = """
        import base64, json, os, sys, warnings
        warnings.simplefilter("ignore")
        import pydicom
        from pydicom.dataelem import RawDataElement
        from pydicom.charset import convert_encodings, encode_string, python_encoding
        from pydicom.multival import MultiValue
        from pydicom.valuerep import PersonName

        TEXT = {"PN", "LO", "SH", "ST", "LT", "UT", "UC"}

        def charset_of(ds, parent):
            if ds.get_item(0x00080005) is None:
                return parent
            v = ds[0x00080005].value
            if v is None or v == "":
                return []
            return [str(x) for x in v] if isinstance(v, MultiValue) else [str(v)]

        def encode(vr, vals, cs):
            enc = convert_encodings(cs or None)
            try:
                if vr == "PN":
                    parts = [PersonName("=".join(v)).encode(enc) for v in vals]
                else:
                    parts = [encode_string(v, enc) for v in vals]
                return base64.b64encode(b"\\".join(parts)).decode()
            except Exception:
                return None

        def walk(ds, parent_cs, path, out):
            cs = charset_of(ds, parent_cs)
            for tag in list(ds.keys()):
                raw = ds.get_item(tag)
                if isinstance(raw, RawDataElement):
                    vr = raw.VR or pydicom.datadict.dictionary_VR(tag)
                    rawval = raw.value
                else:
                    vr = raw.VR
                    rawval = None
                p = "%s(%04X,%04X)" % (path, tag.group, tag.element)
                if vr == "SQ":
                    for i, item in enumerate(ds[tag].value):
                        walk(item, cs, "%s[%d]" % (p, i), out)
                    continue
                if vr not in TEXT or rawval is None or len(rawval) == 0:
                    continue
                val = ds[tag].value
                vals = list(val) if isinstance(val, MultiValue) else [val]
                if vr == "PN":
                    dec = [list(v.components) for v in vals]
                else:
                    dec = [[str(v)] for v in vals]
                out.append({"path": p, "vr": vr, "charset": cs, "raw": base64.b64encode(rawval).decode(),
                            "decoded": dec, "encoded": encode(vr, [d for d in dec], cs)})

        folder = os.path.join(os.path.dirname(pydicom.__file__), "data", "charset_files")
        files = {}
        for name in sorted(os.listdir(folder)):
            if name.endswith(".dcm"):
                out = []
                walk(pydicom.dcmread(os.path.join(folder, name)), [], "", out)
                files[name] = out

        single = {}
        for term in ["ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127",
                     "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 166", "ISO_IR 13"]:
            table = {}
            for b in range(0xA0, 0x100):
                try:
                    table[str(b)] = bytes([b]).decode(python_encoding[term])
                except UnicodeError:
                    pass
            single[term] = table

        double = {}
        for term, esc, tail in [("ISO 2022 IR 87", b"\x1b$B", b"\x1b(B"), ("ISO 2022 IR 159", b"\x1b$(D", b"\x1b(B"),
                                ("ISO 2022 IR 149", b"", b""), ("ISO 2022 IR 58", b"", b"")]:
            codec = python_encoding[term]
            high = 0x80 if esc == b"" else 0
            table = {}
            for b1 in range(0x21, 0x7F):
                for b2 in range(0x21, 0x7F):
                    try:
                        s = (esc + bytes([b1 | high, b2 | high]) + tail).decode(codec)
                    except UnicodeError:
                        continue
                    if len(s) == 1:
                        table["%02X%02X" % (b1, b2)] = s
            double[term] = table

        json.dump({"files": files, "single": single, "double": double}, sys.stdout, ensure_ascii=True)
        """;

    private const string DecodeScript = """
        import base64, json, sys, warnings
        warnings.simplefilter("ignore")
        from pydicom.charset import convert_encodings
        from pydicom.multival import MultiValue
        from pydicom.values import convert_PN, convert_text

        results = []
        for case in json.load(sys.stdin):
            raw = base64.b64decode(case["raw"])
            enc = convert_encodings(case["charset"] or None)
            if case["vr"] == "PN":
                v = convert_PN(raw, enc)
                vals = list(v) if isinstance(v, MultiValue) else [v]
                results.append(["=".join(x.components) for x in vals])
            else:
                v = convert_text(raw, enc, case["vr"])
                results.append([str(x) for x in v] if isinstance(v, MultiValue) else [str(v)])
        json.dump(results, sys.stdout, ensure_ascii=True)
        """;

    private readonly Lazy<JsonDocument> report = new(() => RunScript(Script, null));

    /// <summary>The parsed report; the first use runs python.</summary>
    public JsonElement Report => report.Value.RootElement;

    /// <summary>The elements pydicom reported for one sample file.</summary>
    public IReadOnlyList<JsonElement> Elements(string fileName)
    {
        Assert.True(Report.GetProperty("files").TryGetProperty(fileName, out var file), $"pydicom did not report {fileName}");
        return [.. file.EnumerateArray()];
    }

    /// <summary>
    /// Has pydicom decode each value (convert_PN for PN, convert_text otherwise) and returns its values; a PN value
    /// comes back as its component groups joined with '='.
    /// </summary>
    public static IReadOnlyList<string[]> Decode(IReadOnlyList<(byte[] Raw, string[] Charset, string Vr)> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        string input = JsonSerializer.Serialize(cases.Select(c => new Dictionary<string, object>
        {
            ["raw"] = Convert.ToBase64String(c.Raw),
            ["charset"] = c.Charset,
            ["vr"] = c.Vr,
        }));
        using var document = RunScript(DecodeScript, input);
        return [.. document.RootElement.EnumerateArray().Select(v => v.EnumerateArray().Select(e => e.GetString()!).ToArray())];
    }

    private static JsonDocument RunScript(string script, string? stdin)
    {
        Assert.True(File.Exists(Python), $"{Python} (with Debian's python3-pydicom) is required for these tests");
        string scriptPath = Path.Combine(Path.GetTempPath(), $"charset-peer-{Environment.ProcessId}-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var start = new ProcessStartInfo(Python, [scriptPath])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            process.StandardInput.Write(stdin ?? string.Empty);
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(true);
                Assert.Fail("pydicom peer timed out");
            }

            Assert.True(process.ExitCode == 0, $"pydicom peer failed ({process.ExitCode}): {stderr.Result}");
            return JsonDocument.Parse(stdout.Result);
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }
}
