package dev.muster.agent.cli;

import dev.muster.agent.config.AgentConfig;
import dev.muster.agent.config.RegionRole;
import dev.muster.agent.replication.SubscriptionTeardown;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.agent.replication.TeardownOutcome;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code muster-agent replication teardown}: takes the global's subscriptions down before an upgrade. */
@Command(
        name = "teardown",
        description = {
            "On the global: drop or disable each subscription before the remotes migrate.",
            "On a remote region: nothing; the publication stays as it is."
        })
final class ReplicationTeardownCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--mode",
            paramLabel = "drop|disable",
            defaultValue = "drop",
            converter = ModeConverter.class,
            description = {
                "drop (default): drop each subscription and its slot on the remote; setup copies the",
                "region afresh. Needs every remote reachable.",
                "disable: disable each subscription; its slot keeps the changes (and retains WAL on the",
                "remote) until setup enables it again, without copying anything again."
            })
    TeardownMode mode;

    @Override
    public Integer call() {
        AgentConfig agent = config.load();
        PrintWriter out = spec.commandLine().getOut();
        if (agent.role() == RegionRole.REMOTE) {
            out.println("region " + agent.region() + " is a remote region: teardown leaves its publication as it "
                    + "is; nothing to do");
            return 0;
        }
        List<TeardownOutcome> outcomes = new SubscriptionTeardown(agent.database(), agent.replication()).run(mode);
        if (outcomes.isEmpty()) {
            out.println("no subscriptions configured (replication.subscriptions): nothing to tear down");
        }
        outcomes.forEach(outcome -> out.println(outcome.describe()));
        return 0;
    }

    static final class ModeConverter implements ITypeConverter<TeardownMode> {
        @Override
        public TeardownMode convert(String value) {
            try {
                return TeardownMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
