package dev.muster.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PublicationPlanTest {

    private static final TableName USERS = new TableName("public", "users");
    private static final TableName VMS = new TableName("public", "vms");
    private static final TableName THINGS = new TableName("app", "things");

    @Test
    void wantsEveryApplicationTableButTheExcludedOnes() {
        List<TableName> all = List.of(
                USERS,
                VMS,
                THINGS,
                new TableName("public", "flyway_schema_history"),
                new TableName("muster", "region"),
                new TableName("pg_catalog", "pg_class"),
                new TableName("information_schema", "sql_features"),
                new TableName("pg_toast", "pg_toast_2619"),
                new TableName("pg_temp_3", "scratch"),
                new TableName("public", "audit_events"));

        assertThat(PublicationPlan.wanted(all, ExcludeList.parse(List.of("audit_events"))))
                .containsExactly(THINGS, USERS, VMS);
    }

    @Test
    void musterAndThePostgresSchemasAreNotApplicationSchemas() {
        assertThat(PublicationPlan.isApplicationSchema("public")).isTrue();
        assertThat(PublicationPlan.isApplicationSchema("musterish")).isTrue();
        assertThat(PublicationPlan.isApplicationSchema("muster")).isFalse();
        assertThat(PublicationPlan.isApplicationSchema("pg_catalog")).isFalse();
        assertThat(PublicationPlan.isApplicationSchema("pg_toast_temp_1")).isFalse();
        assertThat(PublicationPlan.isApplicationSchema("information_schema")).isFalse();
    }

    @Test
    void tellsWhatToAddAndWhatToRemove() {
        PublicationPlan plan = new PublicationPlan("miq", true, set(USERS, VMS), set(USERS, THINGS), false);

        assertThat(plan.added()).containsExactly(VMS);
        assertThat(plan.removed()).containsExactly(THINGS);
        assertThat(plan.inStep()).isFalse();
    }

    @Test
    void isInStepOnlyWhenItExistsWithExactlyTheWantedTables() {
        assertThat(new PublicationPlan("miq", true, set(USERS), set(USERS), false).inStep())
                .isTrue();
        assertThat(new PublicationPlan("miq", false, set(), set(), false).inStep())
                .isFalse();
        assertThat(new PublicationPlan("miq", true, set(USERS), set(USERS), true).inStep())
                .as("whole-schema entries publish more than the wanted tables")
                .isFalse();
    }

    @Test
    void describesWhatEnsureDid() {
        assertThat(new PublicationChange("miq", true, List.of(USERS), List.of(), List.of(USERS)).describe())
                .isEqualTo("publication miq created with 1 table");
        assertThat(new PublicationChange("miq", false, List.of(), List.of(), List.of(USERS, VMS)).describe())
                .isEqualTo("publication miq is up to date (2 tables)");
        assertThat(new PublicationChange("miq", false, List.of(VMS), List.of(THINGS), List.of(USERS, VMS)).describe())
                .isEqualTo("publication miq: added public.vms; removed app.things (2 tables)");
    }

    private static SortedSet<TableName> set(TableName... tables) {
        return new TreeSet<>(List.of(tables));
    }
}
