package dev.muster.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineWriterTest {

    private final List<String> lines = new ArrayList<>();

    @Test
    void linesAreSplitOnAnyLineSeparatorAndTheLastIsHandedOnWithoutOne() {
        LineWriter writer = new LineWriter(lines::add);
        PrintWriter out = new PrintWriter(writer);

        out.print("first\r\nsecond\n\nfourth, in ");
        out.print("two parts\nunfinished");
        out.flush();
        assertThat(lines).containsExactly("first", "second", "", "fourth, in two parts");

        out.close();
        assertThat(lines).containsExactly("first", "second", "", "fourth, in two parts", "unfinished");
    }
}
