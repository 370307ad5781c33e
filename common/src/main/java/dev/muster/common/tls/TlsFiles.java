package dev.muster.common.tls;

import dev.muster.common.config.ConfigSection;
import java.nio.file.Path;

/**
 * Where a party's TLS material lives: its certificate (with any intermediates after it),
 * its private key, and the CA certificates it trusts to verify the other side. The files
 * are re-read when they change, so they can be rotated in place.
 */
public record TlsFiles(Path cert, Path key, Path ca) {

    /** A {@code tls: { cert, key, ca }} section; relative paths are taken from the file's directory. */
    public static TlsFiles read(ConfigSection section) {
        section.allowOnly("cert", "key", "ca");
        return new TlsFiles(section.readableFile("cert"), section.readableFile("key"), section.readableFile("ca"));
    }
}
