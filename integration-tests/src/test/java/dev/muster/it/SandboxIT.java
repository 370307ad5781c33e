package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.it.fixture.LauncherProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bin/muster sandbox}, the main job, as a person runs it from the distribution. */
class SandboxIT {

    @ParameterizedTest(name = "--order {0} --teardown {1}")
    @CsvSource({"default, drop", "default, disable", "seed, drop", "seed, disable"})
    void theWholeProcedureRunsToTheEndInBothOrdersAndTeardownModes(String order, String mode) throws Exception {
        try (LauncherProcess sandbox = new LauncherProcess(
                "sandbox-" + order + "-" + mode, "muster", "sandbox", "--order", order, "--teardown", mode)) {
            assertThat(sandbox.awaitExit(Duration.ofMinutes(5)))
                    .as("%s", sandbox.output())
                    .isZero();
            List<String> lines = sandbox.output().lines();
            assertThat(lines)
                    .contains(
                            "    region 99 | Waiting for remote region 1 to run migration 20200424183342",
                            "    region 99 | Waiting for remote region 2 to run migration 20200424183342",
                            "    all 6 rows written on the remotes during the upgrade are on the global",
                            "    users on the global: [1000000000000, 2000000000000, 99000000000000]",
                            "The sandbox ran the procedure to the end; everything it started is stopped and removed.");
            // In the seed's order a remote's first row of the new schema fails to apply once, which
            // stops its subscription until the global has migrated, unless the global migrated first.
            String applyErrors = order.equals("seed") ? "[01]" : "0";
            for (int region : new int[] {1, 2}) {
                assertThat(lines)
                        .as(
                                "after the upgrade, region %d's subscription is enabled, its worker running, "
                                        + "%s apply errors, every table copied",
                                region, applyErrors)
                        .anyMatch(line -> line.matches("    region 99 \\| region_" + region
                                + "_subscription +enabled +pid \\d+ .* " + applyErrors + " +0"));
            }
            // The lines of different regions interleave as they happen; what the coordinator
            // learns from a region can come in its Hello before that region prints its own
            // lines. So: the global waited for both, was told again to wait for region 2
            // once region 1 had migrated, and applied only after region 2 had started.
            String waitForOne = "    region 99 | Waiting for remote region 1 to run migration 20200424183342";
            String waitForTwo = "    region 99 | Waiting for remote region 2 to run migration 20200424183342";
            assertThat(lines.stream().filter(waitForTwo::equals)).hasSize(2);
            assertThat(lines.lastIndexOf(waitForTwo)).isGreaterThan(lines.indexOf(waitForOne));
            int regionTwoStarted =
                    lines.lastIndexOf("    region  2 | 4 pending migrations: 20200424183342 … 20200801120000");
            int globalMigrated =
                    lines.indexOf("    region 99 | Applied migration 20200424183342 (add retirement to vms)");
            assertThat(regionTwoStarted).isPositive();
            assertThat(globalMigrated).as("the global migrates after region 2").isGreaterThan(regionTwoStarted);
            assertThat(lines)
                    .anyMatch(line -> line.startsWith("  from the end of the global's last migration to verified: "));
            if (order.equals("seed")) {
                for (int region : new int[] {1, 2}) {
                    String subscription = "    region 99 | region_" + region + "_subscription: ";
                    assertThat(lines)
                            .as("the global brings its subscription back after migrating")
                            .anyMatch(line -> line.startsWith(subscription)
                                    && line.endsWith("copying the tables new to it: " + "public.service_templates"));
                    assertThat(lines)
                            .anyMatch(line -> line.startsWith(subscription + "caught up with region " + region));
                }
                assertThat(lines)
                        .contains(
                                "    all 2 rows of the new schema written on the remotes after they migrated are on the global",
                                "    all 2 rows of the remotes' new table service_templates are on the global");
            }
        }
    }

    @Test
    void stoppedHalfwayItStillRemovesEverythingItStarted() throws Exception {
        try (LauncherProcess sandbox = new LauncherProcess("sandbox-stopped", "muster", "sandbox")) {
            sandbox.output().awaitLineMatching(line -> line.startsWith("==> 5. "), Duration.ofMinutes(5));
            List<Integer> ports = sandbox.output().lines().stream()
                    .filter(line -> line.matches("    region \\d+: PostgreSQL on port \\d+"))
                    .map(line -> Integer.valueOf(line.substring(line.lastIndexOf(' ') + 1)))
                    .toList();
            assertThat(ports).as("its PostgreSQL servers").hasSize(3).allMatch(SandboxIT::listening);

            assertThat(sandbox.terminate(Duration.ofMinutes(1)))
                    .as("%s", sandbox.output())
                    .isEqualTo(143);

            assertThat(sandbox.output().lines())
                    .contains("The sandbox was stopped; everything it started is stopped and removed.");
            assertThat(ports).as("its PostgreSQL servers, stopped").noneMatch(SandboxIT::listening);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
