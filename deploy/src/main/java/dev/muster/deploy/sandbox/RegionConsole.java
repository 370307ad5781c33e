package dev.muster.deploy.sandbox;

import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * What one region's agent prints, shown indented under the current step with the region
 * named, and kept so that the sandbox can wait for a line.
 */
final class RegionConsole extends Writer {

    private final Narrator narrator;
    private final String prefix;
    private final boolean shown;
    private final StringBuilder partial = new StringBuilder();
    private final List<String> lines = new ArrayList<>();

    RegionConsole(Narrator narrator, int region, boolean shown) {
        this(narrator, String.format("region %2d", region), shown);
    }

    /** The output of a command that is not a region's, such as the operator's {@code muster status}. */
    RegionConsole(Narrator narrator, String label, boolean shown) {
        this.narrator = narrator;
        this.prefix = String.format("    %-9s | ", label);
        this.shown = shown;
    }

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = buffer[i];
            if (c == '\n') {
                String line = partial.toString();
                partial.setLength(0);
                lines.add(line);
                if (shown) {
                    narrator.say(prefix + line);
                }
            } else if (c != '\r') {
                partial.append(c);
            }
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Replays what was kept, for a command whose output was not shown as it ran. */
    synchronized void show() {
        lines.forEach(line -> narrator.say(prefix + line));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
