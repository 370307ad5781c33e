package dev.muster.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTest {

    @Test
    void identifiersAreQuotedWithEmbeddedQuotesDoubled() {
        assertThat(Sql.identifier("region_1_subscription")).isEqualTo("\"region_1_subscription\"");
        assertThat(Sql.identifier("Odd \"name\"")).isEqualTo("\"Odd \"\"name\"\"\"");
    }

    @Test
    void tableNamesQuoteSchemaAndName() {
        assertThat(new TableName("App", "user\"s").quoted()).isEqualTo("\"App\".\"user\"\"s\"");
        assertThat(new TableName("public", "users")).hasToString("public.users");
    }

    @Test
    void literalsDoubleQuotes() {
        assertThat(Sql.literal("it's")).isEqualTo("'it''s'");
    }

    @Test
    void literalsWithABackslashUseTheEscapeStringForm() {
        assertThat(Sql.literal("a\\'b")).isEqualTo("E'a\\\\''b'");
    }
}
