using ContinualSegment.Node.Export;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Routing;
using ContinualSegment.Node.Scheduling;
using ContinualSegment.Node.Storage;
using ContinualSegment.Node.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContinualSegment.Node.Hosting;

/// <summary>
/// Builds the node: every configuration section bound to its options class and checked (all problems reported together,
/// before anything starts), then the database and the services of this process's roles. Runs in a console, under
/// systemd (notify, journal logging) or as a Windows service.
/// </summary>
public static class NodeHost
{
    /// <summary>Builds the host from <paramref name="configuration"/>.</summary>
    /// <exception cref="NodeConfigurationException">Some setting is wrong; every problem is listed.</exception>
    public static IHost Build(IConfiguration configuration, Action<IServiceCollection>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sections = Bind(configuration);
        Check(sections);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddConfiguration(configuration);
        // Npgsql logs every command at Information: only its warnings unless the configuration asks for more.
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            o.UseUtcTimestamp = true;
        });
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "ContinualSegment");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sections.Database);
        services.AddSingleton(Options.Create(sections.Node));
        services.AddSingleton(Options.Create(sections.Dicom));
        services.AddSingleton(Options.Create(sections.Storage));
        services.AddSingleton(Options.Create(sections.Ingest));
        services.AddSingleton(Options.Create(sections.Queue));
        services.AddSingleton(Options.Create(sections.Routing));
        services.AddSingleton(Options.Create(sections.Scheduler));
        services.AddSingleton(Options.Create(sections.Model));
        services.AddSingleton(Options.Create(sections.Export));
        services.AddSingleton<IReadOnlyDictionary<string, DestinationOptions>>(sections.Destinations);
        services.AddSingleton<IFreeSpace, DriveFreeSpace>();
        services.AddSingleton(sp => new NodeDatabase(sections.Database, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));

        // Started in this order, stopped in the reverse: the database outlives every service that uses it.
        services.AddHostedService<DatabaseService>();
        var roles = sections.Node.EffectiveRoles;
        if (roles.HasFlag(NodeRole.Ingest))
        {
            services.AddSingleton<IngestService>();
            services.AddHostedService(sp => sp.GetRequiredService<IngestService>());
        }

        if (roles.HasFlag(NodeRole.Scheduler))
        {
            services.AddHostedService<SchedulerService>();
        }

        if (roles.HasFlag(NodeRole.Worker))
        {
            services.AddSingleton<SeriesPrefetcher>();
            services.AddSingleton<IStoredSeriesObserver>(sp => sp.GetRequiredService<SeriesPrefetcher>());
            services.AddHostedService<WorkerService>();
        }

        if (roles.HasFlag(NodeRole.Export))
        {
            services.AddHostedService<ExportService>();
        }

        extra?.Invoke(services);
        return builder.Build();
    }

    /// <summary>Every section bound, without checking.</summary>
    public static NodeSections Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        T Section<T>(string name)
            where T : new()
        {
            var value = new T();
            configuration.GetSection(name).Bind(value, o => o.ErrorOnUnknownConfiguration = true);
            return value;
        }

        var problems = new List<string>();
        T Safe<T>(string name)
            where T : new()
        {
            try
            {
                return Section<T>(name);
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"{name}: {ex.Message}");
                return new T();
            }
        }

        var database = Safe<DatabaseOptions>(DatabaseOptions.SectionName);
        database.ConnectionString = configuration.GetConnectionString("Postgres") ?? string.Empty;
        var destinations = new Dictionary<string, DestinationOptions>(StringComparer.Ordinal);
        foreach (var child in configuration.GetSection(DestinationOptions.SectionName).GetChildren())
        {
            destinations[child.Key] = Safe<DestinationOptions>(child.Path);
        }

        var sections = new NodeSections(
            Safe<NodeOptions>(NodeOptions.SectionName),
            Safe<DicomListenerOptions>(DicomListenerOptions.SectionName),
            Safe<StorageOptions>(StorageOptions.SectionName),
            database,
            Safe<IngestOptions>(IngestOptions.SectionName),
            Safe<QueueOptions>(QueueOptions.SectionName),
            Safe<RoutingOptions>(RoutingOptions.SectionName),
            Safe<SchedulerOptions>(SchedulerOptions.SectionName),
            Safe<WorkerOptions>(WorkerOptions.SectionName),
            Safe<ExportOptions>(ExportOptions.SectionName),
            destinations);
        if (problems.Count > 0)
        {
            throw new NodeConfigurationException(problems);
        }

        return sections;
    }

    /// <summary>Checks every section; throws with all problems found.</summary>
    public static void Check(NodeSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var problems = new List<string>();
        problems.AddRange(NodeOptionsRules.Node(sections.Node));
        problems.AddRange(NodeOptionsRules.Dicom(sections.Dicom));
        problems.AddRange(NodeOptionsRules.Storage(sections.Storage));
        problems.AddRange(NodeOptionsRules.Ingest(sections.Ingest));
        problems.AddRange(NodeOptionsRules.Queue(sections.Queue));
        problems.AddRange(NodeOptionsRules.Scheduler(sections.Scheduler));
        problems.AddRange(NodeOptionsRules.Destinations(sections.Destinations));
        problems.AddRange(NodeOptionsRules.Export(sections.Export));
        if (sections.Node.EffectiveRoles.HasFlag(NodeRole.Worker))
        {
            problems.AddRange(NodeOptionsRules.Model(sections.Model));
        }

        AddFailures(problems, new DatabaseOptionsValidator().Validate(null, sections.Database));
        AddFailures(problems, new RoutingOptionsValidator(sections.Destinations.Keys.ToList()).Validate(null, sections.Routing));
        if (problems.Count > 0)
        {
            throw new NodeConfigurationException(problems);
        }
    }

    private static void AddFailures(List<string> problems, ValidateOptionsResult result)
    {
        if (result.Failed && result.Failures is { } failures)
        {
            problems.AddRange(failures);
        }
    }
}
