package dev.muster.coordinator.fleet;

import java.util.Objects;
import java.util.OptionalInt;

/** A migration as a region reports it: Flyway's normalized version, description and checksum. */
public record Migration(String version, String description, OptionalInt checksum) {

    public Migration {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(checksum, "checksum");
    }

    public static Migration of(String version, String description, int checksum) {
        return new Migration(version, description, OptionalInt.of(checksum));
    }

    public String checksumText() {
        return checksum.isPresent() ? String.valueOf(checksum.getAsInt()) : "none";
    }
}
