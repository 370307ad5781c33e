package dev.muster.agent.cli;

import dev.muster.agent.daemon.CommandRunner;
import dev.muster.common.cli.CommandLines;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * Runs {@code muster-agent} in-process through picocli, exactly as its launcher would,
 * with muster's mapping of failures to exit codes; what it prints is split into lines.
 */
public final class PicocliCommandRunner implements CommandRunner {

    @Override
    public int run(List<String> args, Consumer<String> line) {
        LineWriter lines = new LineWriter(line);
        // One writer for both, so that an error line stays in its place among the output.
        PrintWriter out = new PrintWriter(lines, true);
        // A fresh command object for every run: picocli keeps the options of the last one in it.
        CommandLine agent = CommandLines.create(new AgentCommand()).setOut(out).setErr(out);
        try {
            return agent.execute(args.toArray(String[]::new));
        } finally {
            out.flush();
            lines.close();
        }
    }

    /** Hands on each complete line, without its line separator; a last unfinished one when closed. */
    static final class LineWriter extends Writer {

        private final Consumer<String> line;
        private final StringBuilder current = new StringBuilder();

        LineWriter(Consumer<String> line) {
            this.line = line;
        }

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                if (c == '\n') {
                    endLine();
                } else {
                    current.append(c);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public synchronized void close() {
            if (!current.isEmpty()) {
                endLine();
            }
        }

        private void endLine() {
            int end = current.length();
            if (end > 0 && current.charAt(end - 1) == '\r') {
                current.setLength(end - 1);
            }
            line.accept(current.toString());
            current.setLength(0);
        }
    }
}
