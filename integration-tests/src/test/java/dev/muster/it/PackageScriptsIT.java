package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.fixture.DebPackage;
import dev.muster.it.fixture.RpmPackage;
import dev.muster.it.fixture.ToolOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the .deb and the .rpm ask for and do when installed and removed: they need a Java
 * runtime, make the muster system user and group if missing, have systemd reload its units but
 * enable or start none (operators do, once /etc/muster is filled in), and delete no user or data.
 */
class PackageScriptsIT {

    private static final Pattern DELETES = Pattern.compile("\\b(userdel|deluser|groupdel|delgroup|rm)\\b");
    private static final Pattern STARTS =
            Pattern.compile("systemctl\\b.*\\b(enable|start|restart|reload-or-restart)\\b");

    @TempDir
    Path dir;

    @Test
    void theDebNamesItsJavaAndWhatItsScriptsUse() {
        DebPackage deb = DebPackage.built();
        assertThat(deb.field("Package")).isEqualTo("muster");
        assertThat(deb.field("Architecture")).isEqualTo("all");
        assertThat(deb.field("Version")).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(deb.field("Depends")).contains("java17-runtime-headless");
        assertThat(deb.field("Pre-Depends")).isEqualTo("adduser");
    }

    @Test
    void theRpmNamesItsJavaAndWhatItsScriptsUse() {
        RpmPackage rpm = RpmPackage.built();
        assertThat(rpm.query("%{NAME} %{ARCH}")).isEqualTo("muster noarch");
        assertThat(rpm.requires()).contains("java-headless >= 1:17", "/usr/sbin/groupadd", "/usr/sbin/useradd");
    }

    @Test
    void theDebsScriptsMakeTheUserReloadSystemdAndStartNothing() throws Exception {
        Path control = DebPackage.built().control(dir);
        for (String script : List.of("preinst", "postinst", "prerm", "postrm")) {
            assertThat(Files.isExecutable(control.resolve(script))).as(script).isTrue();
            assertHarmless(script, Files.readString(control.resolve(script)));
        }
        String preinst = commands(Files.readString(control.resolve("preinst")));
        assertThat(preinst)
                .contains(
                        "getent group muster >/dev/null || addgroup --system",
                        "getent passwd muster >/dev/null",
                        "adduser --system --quiet --ingroup muster --no-create-home");
        assertThat(commands(Files.readString(control.resolve("postinst")))).contains("systemctl daemon-reload");
        assertThat(commands(Files.readString(control.resolve("prerm"))))
                .contains("\"$1\" = remove", "disable --now muster-agent.service muster-coordinator.service");
    }

    @Test
    void theRpmsScriptsMakeTheUserReloadSystemdAndStartNothing() throws Exception {
        RpmPackage rpm = RpmPackage.built();
        for (String script : List.of("PREIN", "POSTIN", "PREUN", "POSTUN")) {
            assertThat(rpm.query("%{" + script + "PROG}")).as(script).isEqualTo("/bin/sh");
            assertHarmless(script, rpm.query("%{" + script + "}"));
        }
        assertThat(commands(rpm.query("%{PREIN}")))
                .contains(
                        "getent group muster >/dev/null || groupadd -r muster",
                        "getent passwd muster >/dev/null",
                        "useradd -r -g muster");
        assertThat(commands(rpm.query("%{POSTIN}"))).contains("systemctl daemon-reload");
        // on erase only ($1 = 0): an upgrade runs the old package's %preun with 1
        assertThat(commands(rpm.query("%{PREUN}")))
                .contains("\"$1\" -eq 0", "disable --now muster-agent.service muster-coordinator.service");
    }

    /** It parses, deletes nothing, and enables or starts no service. */
    private void assertHarmless(String name, String script) throws Exception {
        ToolOutput.of(
                "sh", "-n", Files.writeString(dir.resolve(name + ".sh"), script).toString());
        String commands = commands(script);
        assertThat(commands).as(name).isNotBlank().doesNotContainPattern(DELETES);
        assertThat(commands).as(name).doesNotContainPattern(STARTS);
    }

    /** The script without its comments, which quote the operator's commands. */
    private static String commands(String script) {
        return String.join(
                "\n",
                script.lines().filter(line -> !line.strip().startsWith("#")).toList());
    }
}
