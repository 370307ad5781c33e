package dev.muster.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

    @TempDir
    Path dir;

    private Secret secretFrom(String content) throws IOException {
        return Secret.fromFile(Files.writeString(dir.resolve("db.password"), content));
    }

    @Test
    void neverRevealsItselfWhenPrinted() throws IOException {
        Secret secret = secretFrom("s3cr3t\n");

        assertThat(secret).hasToString("****");
        assertThat(String.valueOf(secret)).doesNotContain("s3cr3t");
        assertThat("password=" + secret).isEqualTo("password=****");
        assertThat(String.format("%s", secret)).isEqualTo("****");
    }

    @Test
    void revealsTheValueOnlyWhenAsked() throws IOException {
        assertThat(secretFrom("s3cr3t").reveal()).isEqualTo("s3cr3t");
    }

    @Test
    void dropsOneTrailingLineBreakAsEditorsWriteIt() throws IOException {
        assertThat(secretFrom("s3cr3t\n").reveal()).isEqualTo("s3cr3t");
        assertThat(secretFrom("s3cr3t\r\n").reveal()).isEqualTo("s3cr3t");
    }

    @Test
    void keepsEverythingElse() throws IOException {
        assertThat(secretFrom("s3cr3t\n\n").reveal()).as("only one line break").isEqualTo("s3cr3t\n");
        assertThat(secretFrom(" pass word ").reveal())
                .as("spaces are part of a password")
                .isEqualTo(" pass word ");
        assertThat(secretFrom("line1\nline2").reveal()).isEqualTo("line1\nline2");
        assertThat(secretFrom("").reveal()).isEmpty();
        assertThat(secretFrom("\n").reveal()).isEmpty();
    }

    @Test
    void aMissingFileFails() {
        assertThatThrownBy(() -> Secret.fromFile(dir.resolve("absent"))).isInstanceOf(NoSuchFileException.class);
    }
}
