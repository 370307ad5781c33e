package dev.muster.coordinator.cli;

import dev.muster.common.BuildInfo;
import dev.muster.common.cli.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code muster}: the coordinator and the operator's commands. */
@Command(
        name = "muster",
        mixinStandardHelpOptions = true,
        versionProvider = MusterCommand.Version.class,
        description = "Coordinates schema migrations across PostgreSQL regions linked by logical replication.",
        subcommands = {
            ServeCommand.class,
            StatusCommand.class,
            PlanCommand.class,
            UpgradeCommand.class,
            WatchCommand.class,
            RegionCommand.class,
            PauseCommand.class,
            ResumeCommand.class,
            ReleaseCommand.class,
            CertsCommand.class
        })
public final class MusterCommand {

    public static void main(String[] args) {
        CommandLines.main(new MusterCommand(), args);
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"muster " + BuildInfo.version()};
        }
    }
}
