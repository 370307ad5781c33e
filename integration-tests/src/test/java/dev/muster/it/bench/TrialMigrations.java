package dev.muster.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The migration files of one kind of trial: each trial adds a version of its own, one small DDL. */
public final class TrialMigrations {

    private final Path dir;

    public TrialMigrations(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** Flyway's location of the files, for every region: all regions read the same files. */
    public String location() {
        return "filesystem:" + dir;
    }

    /** Adds trial {@code trial}'s migration; returns its version. */
    public String add(int trial) throws IOException {
        String version = Integer.toString(trial);
        Files.writeString(
                dir.resolve("V" + version + "__trial_" + trial + ".sql"),
                "CREATE TABLE trial_" + trial + " (id bigint PRIMARY KEY);\n");
        return version;
    }
}
