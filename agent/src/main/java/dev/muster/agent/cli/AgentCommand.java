package dev.muster.agent.cli;

import dev.muster.common.BuildInfo;
import dev.muster.common.cli.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code muster-agent}: the commands an agent runs on its region's appliance. */
@Command(
        name = "muster-agent",
        mixinStandardHelpOptions = true,
        versionProvider = AgentCommand.Version.class,
        description = "Manages this region's database: region ids, migrations gated by the muster coordinator, "
                + "and logical replication.",
        subcommands = {RunCommand.class, InitCommand.class, MigrateCommand.class, ReplicationCommand.class})
public final class AgentCommand {

    public static void main(String[] args) {
        CommandLines.main(new AgentCommand(), args);
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"muster-agent " + BuildInfo.version()};
        }
    }
}
