using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// The search's record of evaluated candidates, one JSON line each, flushed to disk as each candidate ends, so a search
/// cut off (a session's end, a reboot) resumes where it stopped: the search replays its seeded choices and takes each
/// candidate recorded under the same index and genotype instead of distilling it again. The first line names the search
/// (its settings, the teacher and the data); a journal written by another search is refused, not mixed in.
/// </summary>
internal sealed class SearchJournal : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly Dictionary<int, Entry> recorded = [];
    private readonly FileStream stream;

    private SearchJournal(FileStream stream) => this.stream = stream;

    /// <summary>Opens (or starts) the journal at <paramref name="path"/> for the search named by <paramref name="identity"/>.</summary>
    /// <exception cref="InvalidDataException">The journal was written by another search, or is not a journal.</exception>
    public static SearchJournal Open(string path, string identity)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var journal = new SearchJournal(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));
        try
        {
            journal.Load(path, identity);
            return journal;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>The candidate recorded under <paramref name="index"/>, when it is the genotype <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">Another genotype was recorded under that index (the search is not the one journalled).</exception>
    public CandidateEvaluation? Find(int index, string key, Plans.DecoderGenotype genotype)
    {
        if (!recorded.TryGetValue(index, out var entry))
        {
            return null;
        }

        if (entry.Key != key)
        {
            throw new InvalidDataException($"the search journal {stream.Name} holds candidate {index + 1} as {entry.Key}, this search draws {key}: it was written by another search; remove it to start again");
        }

        return new CandidateEvaluation(genotype, entry.Dice, new DecoderCost(entry.Parameters, entry.Flops, entry.LatencyMilliseconds), entry.CostRatio, entry.Fitness);
    }

    /// <summary>Appends an evaluated candidate and flushes it to disk.</summary>
    public void Record(int index, string key, CandidateEvaluation candidate)
    {
        var entry = new Entry(index, key, candidate.ValidationDice, candidate.Cost.Parameters, candidate.Cost.Flops, candidate.Cost.LatencyMilliseconds, candidate.CostRatio, candidate.Fitness);
        recorded[index] = entry;
        Append(JsonSerializer.Serialize(entry, Json));
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();

    private void Load(string path, string identity)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        var first = reader.ReadLine();
        if (first is null)
        {
            Append(JsonSerializer.Serialize(new Header(identity), Json));
            return;
        }

        var header = Parse<Header>(first, path, 1);
        if (header.Search != identity)
        {
            throw new InvalidDataException($"the search journal {path} was written by another search ({header.Search}); this one is {identity}: remove the journal or give another checkpoint directory");
        }

        var line = 1;
        long end = reader.CurrentEncoding.GetByteCount(first) + 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            try
            {
                var entry = Parse<Entry>(text, path, line);
                recorded[entry.Index] = entry;
                end += reader.CurrentEncoding.GetByteCount(text) + 1;
            }
            catch (InvalidDataException) when (reader.Peek() < 0)
            {
                // The last line was cut off while it was written: drop it, that candidate is evaluated again.
                break;
            }
        }

        stream.SetLength(end);
        stream.Position = end;
    }

    private static T Parse<T>(string text, string path, int line)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new InvalidDataException($"{path} line {line.ToString(CultureInfo.InvariantCulture)} is empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} line {line.ToString(CultureInfo.InvariantCulture)} is not a search journal line: {ex.Message}", ex);
        }
    }

    private void Append(string line)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private sealed record Header(string Search);

    private sealed record Entry(int Index, string Key, double Dice, long Parameters, long Flops, double LatencyMilliseconds, double CostRatio, double Fitness);
}
