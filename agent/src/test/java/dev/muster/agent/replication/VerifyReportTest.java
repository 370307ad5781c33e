package dev.muster.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifyReportTest {

    private static final TableName USERS = new TableName("public", "users");
    private static final TableName VMS = new TableName("public", "vms");
    private static final TableName HOSTS = new TableName("public", "hosts");

    @Test
    void inStepWhenEveryComparedTableMatches() {
        VerifyReport report = new VerifyReport(List.of(
                new TableComparison(1, USERS, digest(3, 42), Optional.of(digest(3, 42))),
                new TableComparison(1, HOSTS, digest(1, 7), Optional.empty())));

        assertThat(report.inSync()).isTrue();
        report.requireInSync();
        assertThat(report.table())
                .isEqualTo(String.join(
                        "\n",
                        "REGION  TABLE         REMOTE ROWS  GLOBAL ROWS  RESULT",
                        "1       public.users  3            3            ok",
                        "1       public.hosts  1            -            not compared: the global has no such table"));
    }

    @Test
    void aMismatchNamesTableAndRegion() {
        VerifyReport report = new VerifyReport(List.of(
                new TableComparison(1, USERS, digest(3, 42), Optional.of(digest(4, 50))),
                new TableComparison(2, VMS, digest(2, 10), Optional.of(digest(2, 11))),
                new TableComparison(2, USERS, digest(0, 0), Optional.of(digest(0, 0)))));

        assertThat(report.mismatches()).extracting(TableComparison::table).containsExactly(USERS, VMS);
        assertThatThrownBy(report::requireInSync)
                .isInstanceOf(MusterException.class)
                .hasMessageContaining("public.users of region 1 (remote 3 rows, global 4 rows: row counts differ)")
                .hasMessageContaining("public.vms of region 2 (remote 2 rows, global 2 rows: contents differ)")
                .satisfies(e -> assertThat(((MusterException) e).exitCode()).isEqualTo(ExitCode.FAILED));
    }

    @Test
    void rowsARemoteWroteOutsideItsIdRangeAreAMismatchEvenWhenTheRangesMatch() {
        VerifyReport report = new VerifyReport(List.of(
                new TableComparison(2, VMS, digest(2, 10), 1, Optional.of(digest(2, 10))),
                new TableComparison(2, HOSTS, digest(0, 0), 3, Optional.empty())));

        assertThat(report.mismatches()).extracting(TableComparison::table).containsExactly(VMS, HOSTS);
        assertThat(report.table())
                .contains(
                        "MISMATCH: 1 remote row outside region 2's id range",
                        "MISMATCH: 3 remote rows outside region 2's id range");
        assertThatThrownBy(report::requireInSync)
                .hasMessageContaining("public.vms of region 2 (remote 2 rows, global 2 rows: 1 remote row outside "
                        + "region 2's id range)")
                .hasMessageContaining("give them ids in the region's range");
    }

    @Test
    void aTableWithoutAnIdIsNotComparedAndRowsOutsideTheRangeDoNotHideAMismatchInIt() {
        VerifyReport report = new VerifyReport(List.of(
                TableComparison.withoutId(1, HOSTS),
                new TableComparison(1, USERS, digest(3, 42), 2, Optional.of(digest(4, 50)))));

        assertThat(report.mismatches()).extracting(TableComparison::table).containsExactly(USERS);
        assertThat(report.table())
                .isEqualTo(String.join(
                        "\n",
                        "REGION  TABLE         REMOTE ROWS  GLOBAL ROWS  RESULT",
                        "1       public.hosts  -            -            not compared: no integer id column tells region 1's "
                                + "rows apart",
                        "1       public.users  3            4            MISMATCH: 2 remote rows outside region 1's id range; "
                                + "and row counts differ"));
    }

    @Test
    void digestsCompareByValue() {
        assertThat(new RowDigest(1, new BigDecimal("10")).sameAs(new RowDigest(1, new BigDecimal("10.0"))))
                .isTrue();
        assertThat(new RowDigest(1, BigDecimal.TEN).sameAs(new RowDigest(2, BigDecimal.TEN)))
                .isFalse();
    }

    private static RowDigest digest(long rows, long sum) {
        return new RowDigest(rows, BigDecimal.valueOf(sum));
    }
}
