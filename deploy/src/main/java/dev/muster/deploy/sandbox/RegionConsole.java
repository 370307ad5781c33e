package dev.muster.deploy.sandbox;

import dev.muster.common.io.LineWriter;
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
    private final LineWriter split = new LineWriter(this::line);
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
    public void write(char[] buffer, int offset, int length) {
        split.write(buffer, offset, length);
    }

    private synchronized void line(String line) {
        lines.add(line);
        if (shown) {
            narrator.say(prefix + line);
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
