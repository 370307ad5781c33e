package dev.muster.agent.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.config.DatabaseConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatabaseIdentityTest {

    @Test
    void isTheServersSystemIdentifierAndTheDatabasesName() {
        assertThat(DatabaseIdentity.format("7312345678901234567", "vmdb_production"))
                .isEqualTo("7312345678901234567/vmdb_production");
    }

    @Test
    void aDatabaseThatCannotBeReachedHasNoIdentityAndDoesNotFailTheAgent() {
        // Port 1 on this machine: nothing listens there, so connecting fails at once.
        DatabaseIdentity identity = new DatabaseIdentity(
                new DatabaseConfig("jdbc:postgresql://127.0.0.1:1/vmdb_production", "root", Optional.empty()));

        assertThat(identity.get()).isEmpty();
        assertThat(identity.get()).isEmpty();
    }
}
