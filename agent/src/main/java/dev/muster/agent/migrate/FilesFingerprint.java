package dev.muster.agent.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the migration files at Flyway's {@code filesystem:} locations look like now: every
 * file's path, size and modification time. Two equal fingerprints mean no file was added,
 * removed or rewritten in between, which is all a validation of them needs to stay true.
 * Other locations (the classpath) cannot change under a running JVM and count as unchanged.
 */
record FilesFingerprint(List<String> files) {

    private static final String FILESYSTEM = "filesystem:";

    /** The files as they are now; empty if a location cannot be read (then nothing is assumed). */
    static Optional<FilesFingerprint> of(List<String> locations) {
        try {
            return Optional.of(new FilesFingerprint(locations.stream()
                    .filter(location -> location.startsWith(FILESYSTEM))
                    .map(location -> Path.of(location.substring(FILESYSTEM.length())))
                    .flatMap(FilesFingerprint::filesUnder)
                    .sorted()
                    .toList()));
        } catch (UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Stream<String> filesUnder(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(FilesFingerprint::describe).flatMap(Optional::stream).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> describe(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(file + " " + attributes.size() + " "
                            + attributes.lastModifiedTime().toInstant())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
