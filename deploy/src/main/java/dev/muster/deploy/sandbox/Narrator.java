package dev.muster.deploy.sandbox;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Tells the sandbox's story as it happens: numbered steps, what each region prints, and a summary. */
final class Narrator {

    /** Work that a step does. */
    interface Work {
        void run() throws Exception;
    }

    private record Done(String title, Duration took) {}

    private final PrintWriter out;
    private final List<Done> done = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Narrator(PrintWriter out) {
        this.out = out;
    }

    synchronized void say(String line) {
        out.println(line);
        out.flush();
    }

    void step(String title, Work work) throws Exception {
        say("");
        say("==> " + (done.size() + 1) + ". " + title);
        long start = System.nanoTime();
        work.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        done.add(new Done(title, took));
        say("    (" + seconds(took) + ")");
    }

    /** A figure for the summary, e.g. how long the global waited. */
    void note(String line) {
        notes.add(line);
    }

    void summary() {
        say("");
        say("Summary");
        Duration total = Duration.ZERO;
        int width = done.stream().mapToInt(step -> step.title().length()).max().orElse(0);
        String row = "%-" + width + "s %8s";
        for (int i = 0; i < done.size(); i++) {
            Done step = done.get(i);
            total = total.plus(step.took());
            say(String.format("  %2d. " + row, i + 1, step.title(), seconds(step.took())));
        }
        say(String.format("      " + row, "total", seconds(total)));
        notes.forEach(note -> say("  " + note));
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
