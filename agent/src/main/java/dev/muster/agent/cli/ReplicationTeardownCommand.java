package dev.muster.agent.cli;

import dev.muster.agent.replication.TeardownMode;
import dev.muster.agent.steps.ReplicationLifecycle;
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
        new ReplicationLifecycle(config.load())
                .teardown(mode, spec.commandLine().getOut());
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
