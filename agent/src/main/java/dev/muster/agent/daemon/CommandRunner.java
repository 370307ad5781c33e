package dev.muster.agent.daemon;

import java.util.List;
import java.util.function.Consumer;

/** Runs one {@code muster-agent} command line in this process, as an operator would run it. */
@FunctionalInterface
public interface CommandRunner {

    /**
     * @param args the command line after {@code muster-agent}, e.g. {@code migrate --config FILE}
     * @param line gets every line the command prints, standard output and error alike, in order
     * @return the command's exit status
     */
    int run(List<String> args, Consumer<String> line);
}
