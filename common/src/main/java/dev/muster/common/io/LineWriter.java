package dev.muster.common.io;

import java.io.Writer;
import java.util.function.Consumer;

/** Hands on each complete line, without its line separator; a last unfinished one when closed. */
public final class LineWriter extends Writer {

    private final Consumer<String> line;
    private final StringBuilder current = new StringBuilder();

    public LineWriter(Consumer<String> line) {
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
