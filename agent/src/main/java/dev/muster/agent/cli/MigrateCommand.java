package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.link.CoordinatorLink;
import dev.muster.agent.link.LinkEvent;
import dev.muster.agent.link.LocalHello;
import dev.muster.agent.migrate.FlywayMigrations;
import dev.muster.agent.migrate.HandedOnState;
import dev.muster.agent.migrate.MigrationVersion;
import dev.muster.agent.steps.MigrationStep;
import dev.muster.common.BuildInfo;
import dev.muster.common.cli.DurationConverter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code muster-agent migrate}: applies this region's pending migrations as the fleet allows. */
@Command(
        name = "migrate",
        description = {
            "Apply this region's pending migrations. A remote region migrates at once and reports each",
            "migration to the coordinator; the global region waits for the coordinator's release.",
            "With --to, only those up to and including that version."
        })
final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--report-timeout",
            paramLabel = "DURATION",
            defaultValue = "2m",
            converter = DurationConverter.class,
            description =
                    "How long to keep trying to report applied migrations to the coordinator (default: ${DEFAULT-VALUE})")
    Duration reportTimeout;

    @Option(
            names = "--catch-up-timeout",
            paramLabel = "DURATION",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = {
                "On the global with replication live: how long to wait, after its last migration, for",
                "every subscription to confirm its remote's WAL (default: ${DEFAULT-VALUE})"
            })
    Duration catchUpTimeout;

    @Option(
            names = "--to",
            paramLabel = "VERSION",
            converter = VersionConverter.class,
            description = {
                "Apply pending migrations only up to and including VERSION, e.g. 20200424183342",
                "(default: all of them). The global asks for release of those alone."
            })
    String target;

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig agent = config.load();
        BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
        HandedOnState migrations =
                new HandedOnState(new FlywayMigrations(agent.database(), agent.migrationLocations()));
        LocalHello hello = LocalHello.of(agent, migrations::forHello, BuildInfo.version());
        MigrationStep step = new MigrationStep(agent, Optional.ofNullable(target), reportTimeout, catchUpTimeout);
        try (CoordinatorLink link = CoordinatorLink.to(
                agent.coordinator().address(), agent.coordinator().tls(), hello, events::add)) {
            step.run(migrations, link, events, spec.commandLine().getOut());
        }
        return 0;
    }

    /** A Flyway version as its migration files name it. */
    static final class VersionConverter implements ITypeConverter<String> {

        @Override
        public String convert(String value) {
            try {
                return MigrationVersion.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
