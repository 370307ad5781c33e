package dev.muster.deploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class BundledPostgresTest {

    @Test
    void theTarballsClasspathHasTheLibraryAndTheBinaries() {
        assertThat(BundledPostgres.isIn(BundledPostgresTest.class.getClassLoader()))
                .isTrue();
    }

    @Test
    void withoutThemTheSandboxRefusesInOneLineNamingTheTarball() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThat(BundledPostgres.isIn(empty)).isFalse();
            assertThatThrownBy(() -> BundledPostgres.require(empty))
                    .isInstanceOfSatisfying(
                            MusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
                    .hasMessageStartingWith(
                            "the sandbox needs the tarball's embedded PostgreSQL; packages leave it out")
                    .hasMessageNotContaining("\n");
        }
    }
}
