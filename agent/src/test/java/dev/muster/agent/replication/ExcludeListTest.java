package dev.muster.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExcludeListTest {

    @Test
    void aBareNameExcludesTheTableInEverySchema() {
        ExcludeList exclude = ExcludeList.parse(List.of("audit_events"));

        assertThat(exclude.excludes(new TableName("public", "audit_events"))).isTrue();
        assertThat(exclude.excludes(new TableName("archive", "audit_events"))).isTrue();
        assertThat(exclude.excludes(new TableName("public", "audit_events_2"))).isFalse();
    }

    @Test
    void aQualifiedNameExcludesOnlyThatSchemasTable() {
        ExcludeList exclude = ExcludeList.parse(List.of("archive.events"));

        assertThat(exclude.excludes(new TableName("archive", "events"))).isTrue();
        assertThat(exclude.excludes(new TableName("public", "events"))).isFalse();
    }

    @Test
    void flywaysHistoryIsAlwaysExcluded() {
        ExcludeList exclude = ExcludeList.parse(List.of());

        assertThat(exclude.excludes(new TableName("public", "flyway_schema_history")))
                .isTrue();
        assertThat(exclude.excludes(new TableName("app", "flyway_schema_history")))
                .isTrue();
        assertThat(exclude.excludes(new TableName("public", "users"))).isFalse();
    }

    @Test
    void namesMatchAsTheCatalogSpellsThem() {
        ExcludeList exclude = ExcludeList.parse(List.of("Events", " public.logs "));

        assertThat(exclude.excludes(new TableName("public", "events"))).isFalse();
        assertThat(exclude.excludes(new TableName("public", "Events"))).isTrue();
        assertThat(exclude.excludes(new TableName("public", "logs"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b.c", ".users", "public.", "."})
    void malformedEntriesNameTheirKey(String entry) {
        assertThatThrownBy(() -> ExcludeList.parse(List.of("fine", entry)))
                .isInstanceOf(MusterException.class)
                .hasMessageStartingWith("replication.exclude_tables[1]: ")
                .satisfies(e -> assertThat(((MusterException) e).exitCode()).isEqualTo(ExitCode.CONFIG));
    }
}
