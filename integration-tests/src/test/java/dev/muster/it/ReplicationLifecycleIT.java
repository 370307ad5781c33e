package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.muster.agent.config.ReplicationConfig;
import dev.muster.agent.config.SubscriptionConfig;
import dev.muster.agent.replication.CatchUp;
import dev.muster.agent.replication.CatchUpBarrier;
import dev.muster.agent.replication.PublicationChange;
import dev.muster.agent.replication.ReconcileOutcome;
import dev.muster.agent.replication.RemotePublication;
import dev.muster.agent.replication.RemoteStatus;
import dev.muster.agent.replication.ReplicationStatus;
import dev.muster.agent.replication.ReplicationVerifier;
import dev.muster.agent.replication.SetupOutcome;
import dev.muster.agent.replication.SubscriptionReconciler;
import dev.muster.agent.replication.SubscriptionSetup;
import dev.muster.agent.replication.SubscriptionStatus;
import dev.muster.agent.replication.SubscriptionTeardown;
import dev.muster.agent.replication.TableName;
import dev.muster.agent.replication.TeardownMode;
import dev.muster.agent.replication.TeardownOutcome;
import dev.muster.agent.replication.VerifyReport;
import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.config.DatabaseConfig;
import dev.muster.it.fixture.Ports;
import dev.muster.it.fixture.PostgresFleet;
import dev.muster.it.fixture.RegionSql;
import dev.muster.it.fixture.ReplicationLogin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication lifecycle on three real PostgreSQL servers: remotes 1 and 2 publish,
 * the global (99) subscribes; setup, teardown (drop or disable), setup again, verify, and
 * the refusals that must leave everything as it was. Each database is set up here as
 * {@code init} leaves it: {@code muster.region} and ids in the region's range.
 */
class ReplicationLifecycleIT {

    private static final int GLOBAL = 99;
    private static final long R1 = 1_000_000_000_000L;
    private static final long R2 = 2_000_000_000_000L;
    private static final long R99 = 99_000_000_000_000L;
    private static final TableName USERS = new TableName("public", "users");
    private static final TableName VMS = new TableName("public", "vms");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** The advisory lock on the global's subscriptions that setup, teardown and reconcile take. */
    private static final long SUBSCRIPTIONS_LOCK = 0x6d75737465720002L;

    private static PostgresFleet databases;
    private static RegionSql sql;

    @TempDir
    Path dir;

    private Path password;

    @BeforeAll
    static void startServers() throws Exception {
        databases = PostgresFleet.start(GLOBAL, 1, 2);
        sql = new RegionSql(databases);
        ReplicationLogin.enable(databases, 1, 2);
    }

    @AfterAll
    static void stopServers() {
        if (databases != null) {
            databases.close();
        }
    }

    @BeforeEach
    void freshRegions() throws Exception {
        databases.reset();
        for (int region : List.of(GLOBAL, 1, 2)) {
            sql.execute(
                    region,
                    "CREATE SCHEMA muster",
                    "CREATE TABLE muster.region (region integer NOT NULL)",
                    "INSERT INTO muster.region VALUES (" + region + ")",
                    "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL)",
                    "CREATE TABLE vms (id bigint PRIMARY KEY, name text, cpus integer)",
                    "CREATE TABLE flyway_schema_history (installed_rank integer PRIMARY KEY, version text)",
                    "INSERT INTO flyway_schema_history VALUES (1, '" + region + "')");
        }
        ReplicationLogin.grantReads(sql, 1);
        ReplicationLogin.grantReads(sql, 2);
        sql.execute(
                1,
                "INSERT INTO users VALUES (" + (R1 + 1) + ", 'ann'), (" + (R1 + 2) + ", 'bob')",
                "INSERT INTO vms VALUES (" + (R1 + 1) + ", 'vm-a', 2)");
        sql.execute(2, "INSERT INTO users VALUES (" + (R2 + 1) + ", 'cid')");
        // the global's own row, and an out-of-date copy of region 1 that setup must replace
        sql.execute(
                GLOBAL,
                "INSERT INTO users VALUES (" + (R99 + 1) + ", 'global'), (" + (R1 + 1) + ", 'stale ann'), (" + (R1 + 77)
                        + ", 'deleted on region 1 long ago')");
        password = Files.writeString(dir.resolve("replicator.password"), ReplicationLogin.PASSWORD + "\n");
    }

    @AfterEach
    void dropReplication() {
        sql.dropReplication(GLOBAL, 1, 2);
    }

    @Test
    void publicationHoldsEveryApplicationTableButTheExcludedOnesAndFollowsMigrations() {
        sql.execute(
                1,
                "CREATE SCHEMA archive",
                "CREATE TABLE archive.events (id bigint PRIMARY KEY)",
                "CREATE TABLE audit (id bigint PRIMARY KEY)");
        ReplicationConfig excluding = new ReplicationConfig("miq", List.of("audit"), List.of());

        PublicationChange created = new RemotePublication(local(1), excluding).ensure();

        assertThat(created.created()).isTrue();
        assertThat(published(1)).containsExactly("archive.events", "public.users", "public.vms");

        sql.execute(1, "CREATE TABLE hosts (id bigint PRIMARY KEY)");
        PublicationChange afterMigration = new RemotePublication(local(1), excluding).ensure();
        assertThat(afterMigration.added()).containsExactly(new TableName("public", "hosts"));
        assertThat(published(1)).containsExactly("archive.events", "public.hosts", "public.users", "public.vms");

        ReplicationConfig moreExcluded = new ReplicationConfig("miq", List.of("audit", "archive.events"), List.of());
        PublicationChange narrower = new RemotePublication(local(1), moreExcluded).ensure();
        assertThat(narrower.removed()).containsExactly(new TableName("archive", "events"));
        assertThat(new RemotePublication(local(1), moreExcluded).ensure().changed())
                .isFalse();
        assertThat(published(1)).containsExactly("public.hosts", "public.users", "public.vms");
    }

    @Test
    void setupReplacesTheGlobalsCopyOfEachRegionAndThenStreamsChanges() {
        publishOnRemotes();

        List<SetupOutcome> outcomes = setup();

        assertThat(outcomes)
                .extracting(SetupOutcome::action)
                .containsExactly(SetupOutcome.Action.CREATED, SetupOutcome.Action.CREATED);
        assertThat(outcomes.get(0).rowsRemoved()).isEqualTo(2);
        awaitInStep();
        assertThat(sql.rowsOfRegion(GLOBAL, "users", GLOBAL))
                .as("the global's own rows are untouched")
                .hasSize(1);
        assertThat(sql.strings(GLOBAL, "SELECT version FROM flyway_schema_history"))
                .containsExactly("99");

        sql.execute(
                1,
                "INSERT INTO users VALUES (" + (R1 + 3) + ", 'dee')",
                "UPDATE users SET name = 'ann b.' WHERE id = " + (R1 + 1));
        sql.execute(2, "DELETE FROM users WHERE id = " + (R2 + 1));
        awaitInStep();
        assertThat(sql.rowsOfRegion(GLOBAL, "users", 1))
                .contains(
                        "{\"id\": " + (R1 + 1) + ", \"name\": \"ann b.\"}",
                        "{\"id\": " + (R1 + 3) + ", \"name\": \"dee\"}");

        List<SubscriptionStatus> status = status().subscriptions();
        assertThat(status)
                .extracting(SubscriptionStatus::name)
                .containsExactly("region_1_subscription", "region_2_subscription");
        assertThat(status).allSatisfy(subscription -> {
            assertThat(subscription.state()).isEqualTo("enabled");
            assertThat(subscription.workerPid()).isPresent();
            assertThat(subscription.applyErrors()).hasValue(0);
        });
        assertThat(verify().inSync()).isTrue();

        assertThat(setup())
                .as("a second setup only refreshes")
                .extracting(SetupOutcome::action)
                .containsExactly(SetupOutcome.Action.REFRESHED, SetupOutcome.Action.REFRESHED);
        awaitInStep();
    }

    @Test
    void teardownDropRemovesTheSlotsAndSetupBringsWhatChangedMeanwhile() {
        publishOnRemotes();
        setup();
        awaitInStep();

        List<TeardownOutcome> outcomes = teardown(TeardownMode.DROP);

        assertThat(outcomes)
                .extracting(TeardownOutcome::action)
                .containsExactly(TeardownOutcome.Action.DROPPED, TeardownOutcome.Action.DROPPED);
        assertThat(sql.subscriptions(GLOBAL)).isEmpty();
        assertThat(sql.slots(1)).isEmpty();
        assertThat(sql.slots(2)).isEmpty();

        sql.execute(
                1,
                "INSERT INTO users VALUES (" + (R1 + 3) + ", 'written while torn down')",
                "UPDATE users SET name = 'bob 2' WHERE id = " + (R1 + 2),
                "DELETE FROM vms WHERE id = " + (R1 + 1));
        assertThat(teardown(TeardownMode.DROP))
                .extracting(TeardownOutcome::action)
                .containsOnly(TeardownOutcome.Action.ABSENT);

        assertThat(setup()).extracting(SetupOutcome::action).containsOnly(SetupOutcome.Action.CREATED);
        awaitInStep();
        assertThat(sql.rowsOfRegion(GLOBAL, "users", 1))
                .hasSize(3)
                .contains("{\"id\": " + (R1 + 3) + ", \"name\": \"written while torn down\"}");
        assertThat(sql.rowsOfRegion(GLOBAL, "vms", 1)).isEmpty();
        assertThat(verify().inSync()).isTrue();
    }

    @Test
    void teardownDisableKeepsTheSlotAndSetupResumesWithoutCopyingAgain() {
        publishOnRemotes();
        setup();
        awaitInStep();
        String subscriptionOid =
                sql.string(GLOBAL, "SELECT oid FROM pg_subscription WHERE subname = 'region_1_subscription'");
        String usersSynced = syncLsn("users");

        assertThat(teardown(TeardownMode.DISABLE))
                .extracting(TeardownOutcome::action)
                .containsExactly(TeardownOutcome.Action.DISABLED, TeardownOutcome.Action.DISABLED);
        assertThat(sql.slots(1)).containsExactly("region_1_subscription");
        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(sql.strings(1, "SELECT slot_name FROM pg_replication_slots WHERE active"))
                                .isEmpty());
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(status().subscriptions()).allSatisfy(subscription -> {
                    assertThat(subscription.state()).isEqualTo("disabled");
                    assertThat(subscription.workerPid()).isEmpty();
                }));

        // the remote goes on (and migrates: a new table) while the global does not listen
        sql.execute(
                1,
                "INSERT INTO users VALUES (" + (R1 + 3) + ", 'written while disabled')",
                "UPDATE users SET name = 'ann 2' WHERE id = " + (R1 + 1),
                "CREATE TABLE hosts (id bigint PRIMARY KEY, name text)",
                "INSERT INTO hosts VALUES (" + (R1 + 1) + ", 'before it was published')");
        sql.execute(GLOBAL, "CREATE TABLE hosts (id bigint PRIMARY KEY, name text)");
        assertThat(new RemotePublication(local(1), replication()).ensure().added())
                .containsExactly(new TableName("public", "hosts"));
        sql.execute(1, "INSERT INTO hosts VALUES (" + (R1 + 2) + ", 'after it was published')");
        assertThat(teardown(TeardownMode.DISABLE))
                .extracting(TeardownOutcome::action)
                .containsOnly(TeardownOutcome.Action.ALREADY_DISABLED);

        RemoteStatus remote = new ReplicationStatus(local(1), replication()).remote();
        assertThat(remote.publication().inStep()).isTrue();
        assertThat(remote.slots()).singleElement().satisfies(slot -> {
            assertThat(slot.name()).isEqualTo("region_1_subscription");
            assertThat(slot.active()).isFalse();
            assertThat(slot.retainedBytes()).isPresent();
            assertThat(slot.retainedBytes().getAsLong()).isPositive();
            assertThat(slot.walStatus()).isPresent();
        });
        assertThat(remote.describe()).contains("region_1_subscription", "public.hosts");
        assertThat(sql.rowsOfRegion(GLOBAL, "users", 1)).hasSize(2);

        assertThat(setup())
                .extracting(SetupOutcome::action)
                .containsExactly(SetupOutcome.Action.ENABLED, SetupOutcome.Action.ENABLED);
        awaitInStep();
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(sql.rowsOfRegion(GLOBAL, "hosts", 1))
                        .isEqualTo(sql.rowsOfRegion(1, "hosts", 1))
                        .hasSize(2));
        assertThat(sql.rowsOfRegion(GLOBAL, "users", 1))
                .hasSize(3)
                .contains("{\"id\": " + (R1 + 1) + ", \"name\": \"ann 2\"}");
        assertThat(sql.string(GLOBAL, "SELECT oid FROM pg_subscription WHERE subname = 'region_1_subscription'"))
                .as("the same subscription")
                .isEqualTo(subscriptionOid);
        assertThat(syncLsn("users")).as("users was not copied again").isEqualTo(usersSynced);
        assertThat(verify().inSync()).isTrue();
    }

    @Test
    void setupRefusesASubscriptionWhoseSlotIsGoneAndFollowingItsAdviceCopiesTheRegionAfresh() {
        publishOnRemotes();
        setup();
        awaitInStep();
        teardown(TeardownMode.DISABLE);
        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(sql.strings(1, "SELECT slot_name FROM pg_replication_slots WHERE active"))
                                .isEmpty());
        sql.execute(1, "SELECT pg_drop_replication_slot('region_1_subscription')");
        sql.execute(1, "INSERT INTO users VALUES (" + (R1 + 3) + ", 'written after the slot was dropped')");

        assertThatThrownBy(this::setup)
                .isInstanceOf(MusterException.class)
                .hasMessageContainingAll(
                        "region_1_subscription exists on the global, but its replication slot "
                                + "region_1_subscription on region 1 is gone",
                        "SET (slot_name = NONE)",
                        "copies region 1 afresh",
                        "Nothing was changed")
                .satisfies(e -> assertThat(((MusterException) e).exitCode()).isEqualTo(ExitCode.FAILED));
        assertThat(sql.strings(GLOBAL, "SELECT subname || ' ' || subenabled FROM pg_subscription ORDER BY 1"))
                .containsExactly("region_1_subscription false", "region_2_subscription false");

        sql.execute(
                GLOBAL,
                "ALTER SUBSCRIPTION region_1_subscription SET (slot_name = NONE)",
                "DROP SUBSCRIPTION region_1_subscription");
        assertThat(setup())
                .extracting(SetupOutcome::action)
                .containsExactly(SetupOutcome.Action.CREATED, SetupOutcome.Action.ENABLED);
        awaitInStep();
        assertThat(sql.rowsOfRegion(GLOBAL, "users", 1)).hasSize(3);
        assertThat(verify().inSync()).isTrue();
    }

    @Test
    void aTableThatJoinsThePublicationReplacesWhatTheGlobalHeldOfTheRegionInIt() {
        publishOnRemotes();
        setup();
        awaitInStep();
        hostsWithAnOldCopyOnTheGlobal();
        // a table keyed otherwise than by id is copied as it is
        sql.execute(
                1,
                "CREATE TABLE user_groups (user_id bigint, group_name text, PRIMARY KEY (user_id, group_name))",
                "INSERT INTO user_groups VALUES (" + (R1 + 1) + ", 'admins')");
        sql.execute(
                GLOBAL,
                "CREATE TABLE user_groups (user_id bigint, group_name text, PRIMARY KEY (user_id, group_name))");
        new RemotePublication(local(1), replication()).ensure();

        List<SetupOutcome> outcomes = setup();

        assertThat(outcomes)
                .extracting(SetupOutcome::action, SetupOutcome::rowsRemoved)
                .containsExactly(tuple(SetupOutcome.Action.REFRESHED, 2L), tuple(SetupOutcome.Action.REFRESHED, 0L));
        assertThat(outcomes.get(0).describe())
                .contains("removed 2 rows of region 1 from the global's copies of the " + "tables new to it");
        awaitInStep();
        assertThat(sql.rowsOfRegion(GLOBAL, "hosts", 1))
                .isEqualTo(sql.rowsOfRegion(1, "hosts", 1))
                .hasSize(2);
        assertThat(sql.rowsOfRegion(GLOBAL, "hosts", GLOBAL))
                .as("the global's own rows are untouched")
                .hasSize(1);
        assertThat(sql.strings(GLOBAL, "SELECT group_name FROM user_groups")).containsExactly("admins");
        VerifyReport verified = verify();
        assertThat(verified.inSync()).isTrue();
        assertThat(verified.table())
                .contains("public.user_groups  -            -            not compared: no integer id "
                        + "column tells region 1's rows apart");
    }

    @Test
    void setupMendsASubscriptionThatACopyOnDuplicateIdsStopped() {
        publishOnRemotes();
        setup();
        awaitInStep();
        hostsWithAnOldCopyOnTheGlobal();
        new RemotePublication(local(1), replication()).ensure();
        // refreshed as before setup cleared joining tables: the copy fails on the old rows' ids
        sql.execute(GLOBAL, "ALTER SUBSCRIPTION region_1_subscription REFRESH PUBLICATION");
        await("the failed copy stops the subscription")
                .atMost(PATIENCE)
                .until(() -> sql.string(
                                GLOBAL,
                                "SELECT subenabled FROM pg_subscription WHERE subname = 'region_1_subscription'")
                        .equals("f"));

        assertThat(setup())
                .extracting(SetupOutcome::action, SetupOutcome::rowsRemoved)
                .containsExactly(tuple(SetupOutcome.Action.ENABLED, 2L), tuple(SetupOutcome.Action.REFRESHED, 0L));

        awaitInStep();
        assertThat(sql.rowsOfRegion(GLOBAL, "hosts", 1))
                .isEqualTo(sql.rowsOfRegion(1, "hosts", 1))
                .hasSize(2);
        assertThat(verify().inSync()).isTrue();
    }

    /** hosts on region 1, and on the global an old copy of region 1's hosts (from before it was excluded, say). */
    private void hostsWithAnOldCopyOnTheGlobal() {
        sql.execute(
                1,
                "CREATE TABLE hosts (id bigint PRIMARY KEY, name text)",
                "INSERT INTO hosts VALUES (" + (R1 + 1) + ", 'host-a'), (" + (R1 + 2) + ", 'host-b')");
        sql.execute(
                GLOBAL,
                "CREATE TABLE hosts (id bigint PRIMARY KEY, name text)",
                "INSERT INTO hosts VALUES (" + (R1 + 1) + ", 'host-a, as it was'), (" + (R1 + 9) + ", 'long gone'), ("
                        + (R99 + 1) + ", 'the global''s own')");
    }

    @Test
    void withoutSuperuserRightsSetupWillNotClearRowsThatAKeyCascadesFrom() {
        publishOnRemotes();
        sql.execute(
                GLOBAL,
                "CREATE TABLE user_notes (id bigint PRIMARY KEY, "
                        + "user_id bigint REFERENCES users ON DELETE CASCADE, note text)",
                "INSERT INTO user_notes VALUES (" + (R99 + 1) + ", " + (R1 + 1) + ", 'the global''s own note')",
                "CREATE ROLE global_agent LOGIN",
                "GRANT pg_create_subscription TO global_agent",
                "GRANT CREATE ON DATABASE " + PostgresFleet.DATABASE + " TO global_agent",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO global_agent");
        try {
            DatabaseConfig asGlobalAgent = new DatabaseConfig(
                    "jdbc:postgresql://localhost:" + databases.port(GLOBAL) + "/" + PostgresFleet.DATABASE,
                    "global_agent",
                    Optional.empty());

            assertThatThrownBy(() -> new SubscriptionSetup(asGlobalAgent, replication()).run())
                    .isInstanceOf(MusterException.class)
                    .hasMessageContainingAll(
                            "region_1_subscription was dropped again and nothing was changed",
                            "the role global_agent may not turn foreign keys off",
                            "user_notes_user_id_fkey",
                            "run this as a superuser");
            assertThat(sql.strings(GLOBAL, "SELECT note FROM user_notes")).containsExactly("the global's own note");
            assertThat(sql.rowsOfRegion(GLOBAL, "users", 1)).hasSize(2);
            assertThat(sql.subscriptions(GLOBAL)).isEmpty();
            assertThat(sql.slots(1)).isEmpty();
        } finally {
            sql.execute(GLOBAL, "DROP OWNED BY global_agent", "DROP ROLE global_agent");
        }
    }

    @Test
    void setupBringsAnExistingSubscriptionsConnectionInLineWithTheConfiguration() throws Exception {
        publishOnRemotes();
        setup();
        awaitInStep();
        // made before subscriptions had a connect timeout
        sql.execute(
                GLOBAL,
                "ALTER SUBSCRIPTION region_1_subscription CONNECTION 'host=127.0.0.1 port="
                        + databases.port(1) + " user=" + ReplicationLogin.USER + " dbname=" + PostgresFleet.DATABASE
                        + " password=''"
                        + ReplicationLogin.PASSWORD.replace("\\", "\\\\").replace("'", "\\''") + "'''");
        String rotated = "rotated on both remotes";
        try {
            for (int remote : List.of(1, 2)) {
                sql.execute(remote, "ALTER ROLE " + ReplicationLogin.USER + " PASSWORD '" + rotated + "'");
            }
            Files.writeString(password, rotated + "\n");

            assertThat(setup()).extracting(SetupOutcome::action).containsOnly(SetupOutcome.Action.REFRESHED);

            assertThat(sql.strings(GLOBAL, "SELECT subconninfo FROM pg_subscription ORDER BY subname"))
                    .allSatisfy(connection -> assertThat(connection).contains("connect_timeout='10'", rotated));
            // a worker that connects again now logs in with the rotated password
            sql.execute(GLOBAL, "ALTER SUBSCRIPTION region_1_subscription DISABLE");
            await().atMost(PATIENCE)
                    .untilAsserted(
                            () -> assertThat(sql.strings(1, "SELECT slot_name FROM pg_replication_slots WHERE active"))
                                    .isEmpty());
            sql.execute(GLOBAL, "ALTER SUBSCRIPTION region_1_subscription ENABLE");
            sql.execute(1, "INSERT INTO users VALUES (" + (R1 + 3) + ", 'after the rotation')");
            await().atMost(PATIENCE)
                    .untilAsserted(() ->
                            assertThat(sql.rowsOfRegion(GLOBAL, "users", 1)).hasSize(3));
        } finally {
            for (int remote : List.of(1, 2)) {
                sql.execute(
                        remote,
                        "ALTER ROLE " + ReplicationLogin.USER + " PASSWORD '"
                                + ReplicationLogin.PASSWORD.replace("'", "''") + "'");
            }
        }
    }

    @Test
    void theGlobalsMigrateBringsBackASubscriptionAnErrorStoppedButNotOneAPersonStopped() throws Exception {
        publishOnRemotes();
        setup();
        awaitInStep();

        assertThat(teardown(TeardownMode.DISABLE))
                .extracting(TeardownOutcome::action)
                .containsOnly(TeardownOutcome.Action.DISABLED);
        assertThat(reconcile()).extracting(ReconcileOutcome::action).containsOnly(ReconcileOutcome.Action.LEFT_ALONE);
        assertThat(sql.strings(GLOBAL, "SELECT subenabled::text FROM pg_subscription"))
                .containsOnly("false");

        setup();
        sql.execute(GLOBAL, "ALTER SUBSCRIPTION region_2_subscription DISABLE");
        // region 1 migrates ahead of the global: a column and a table, and a row that uses the column
        sql.execute(
                1,
                "ALTER TABLE users ADD COLUMN email text",
                "CREATE TABLE hosts (id bigint PRIMARY KEY, name text)",
                "INSERT INTO hosts VALUES (" + (R1 + 1) + ", 'on region 1')");
        new RemotePublication(local(1), replication()).ensure();
        sql.execute(1, "INSERT INTO users VALUES (" + (R1 + 3) + ", 'with email', 'ann@example.org')");
        await("region 1's row stops the global's subscription")
                .atMost(PATIENCE)
                .until(() -> sql.string(
                                GLOBAL,
                                "SELECT subenabled FROM pg_subscription WHERE subname = 'region_1_subscription'")
                        .equals("f"));

        assertThat(reconcile())
                .extracting(ReconcileOutcome::action, ReconcileOutcome::reason)
                .containsExactly(
                        tuple(
                                ReconcileOutcome.Action.WAITING,
                                "region 1 publishes columns public.users.email and tables "
                                        + "public.hosts, which the global does not have yet"),
                        tuple(
                                ReconcileOutcome.Action.LEFT_ALONE,
                                "it was disabled, though not by an apply error " + "('replication setup' enables it)"));

        sql.execute(
                GLOBAL,
                "ALTER TABLE users ADD COLUMN email text",
                "CREATE TABLE hosts (id bigint PRIMARY KEY, name text)");
        List<ReconcileOutcome> outcomes = reconcile();

        assertThat(outcomes)
                .extracting(ReconcileOutcome::action)
                .containsExactly(ReconcileOutcome.Action.ENABLED, ReconcileOutcome.Action.LEFT_ALONE);
        assertThat(outcomes.get(0).newTables()).containsExactly(new TableName("public", "hosts"));
        List<CatchUp> caughtUp =
                new CatchUpBarrier(local(GLOBAL), replication()).await(Set.of("region_1_subscription"), PATIENCE);
        assertThat(caughtUp)
                .singleElement()
                .satisfies(catchUp ->
                        assertThat(catchUp.caughtUp()).as(catchUp.describe()).isTrue());
        assertThat(sql.rowsOfRegion(GLOBAL, "hosts", 1))
                .containsExactly("{\"id\": " + (R1 + 1) + ", \"name\": \"on region 1\"}");
        assertThat(sql.rowsOfRegion(GLOBAL, "users", 1))
                .contains("{\"id\": " + (R1 + 3) + ", \"name\": \"with email\", \"email\": \"ann@example.org\"}");
        assertThat(sql.strings(GLOBAL, "SELECT subname || ' ' || subenabled FROM pg_subscription ORDER BY 1"))
                .containsExactly("region_1_subscription true", "region_2_subscription false");
    }

    @Test
    void setupTeardownAndReconcileOnTheGlobalTakeTurns() throws Exception {
        publishOnRemotes();
        setup();
        awaitInStep();

        ExecutorService operator = Executors.newSingleThreadExecutor();
        try (Connection other = databases.database(GLOBAL).getConnection()) {
            // another agent's setup, teardown or reconcile, midway
            try (Statement lock = other.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + SUBSCRIPTIONS_LOCK + ")");
            }
            Future<List<TeardownOutcome>> teardown = operator.submit(() -> teardown(TeardownMode.DISABLE));
            await("teardown trying for its turn")
                    .atMost(PATIENCE)
                    .until(() -> sql.string(
                                    GLOBAL,
                                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_try_advisory_lock%'")
                            .equals("1"));
            assertThat(teardown).isNotDone();
            assertThat(sql.strings(GLOBAL, "SELECT subenabled::text FROM pg_subscription"))
                    .containsOnly("true");

            try (Statement unlock = other.createStatement()) {
                unlock.execute("SELECT pg_advisory_unlock(" + SUBSCRIPTIONS_LOCK + ")");
            }
            assertThat(teardown.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .extracting(TeardownOutcome::action)
                    .containsOnly(TeardownOutcome.Action.DISABLED);
        } finally {
            operator.shutdownNow();
        }
        // a session's advisory locks go when its backend has exited, a moment after it was closed
        await("released when done")
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(
                                sql.strings(GLOBAL, "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory'"))
                        .containsExactly("0"));
        assertThat(reconcile()).extracting(ReconcileOutcome::action).containsOnly(ReconcileOutcome.Action.LEFT_ALONE);
    }

    @Test
    void theCatchUpBarrierWaitsForWhatTheRemoteCommittedBeforeIt() throws Exception {
        publishOnRemotes();
        setup();
        awaitInStep();
        sql.execute(GLOBAL, "ALTER SUBSCRIPTION region_2_subscription DISABLE");
        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(sql.strings(2, "SELECT slot_name FROM pg_replication_slots WHERE active"))
                                .isEmpty());
        sql.execute(2, "INSERT INTO users VALUES (" + (R2 + 3) + ", 'while the global did not listen')");

        List<CatchUp> outcomes = new CatchUpBarrier(local(GLOBAL), replication())
                .await(Set.of("region_1_subscription", "region_2_subscription"), PATIENCE);

        assertThat(outcomes).extracting(CatchUp::caughtUp).containsExactly(true, false);
        assertThat(outcomes.get(1).describe())
                .startsWith("region_2_subscription: not caught up after ")
                .contains("it is disabled");
    }

    @Test
    void verifyNamesTableAndRegionOfEveryMismatch() {
        publishOnRemotes();
        setup();
        awaitInStep();
        VerifyReport inStep = verify();
        assertThat(inStep.inSync()).isTrue();
        assertThat(inStep.comparisons())
                .extracting(comparison -> comparison.region() + " " + comparison.table())
                .containsExactly("1 public.users", "1 public.vms", "2 public.users", "2 public.vms");
        assertThat(inStep.table()).contains("public.users", "ok");

        sql.execute(
                GLOBAL,
                "INSERT INTO users VALUES (" + (R1 + 500) + ", 'only on the global')",
                "INSERT INTO users VALUES (" + (R99 + 2) + ", 'the global''s own, not compared')");
        sql.execute(GLOBAL, "UPDATE users SET name = 'changed on the global' WHERE id = " + (R2 + 1));
        sql.execute(2, "INSERT INTO vms VALUES (7, 'an id region 2 does not own', 1)");
        await("the stray row on the global")
                .atMost(PATIENCE)
                .until(() -> sql.string(GLOBAL, "SELECT count(*) FROM vms WHERE id = 7")
                        .equals("1"));

        VerifyReport report = verify();

        assertThat(report.mismatches())
                .extracting(comparison -> comparison.region() + " " + comparison.table())
                .containsExactly("1 public.users", "2 public.users", "2 public.vms");
        assertThatThrownBy(report::requireInSync)
                .isInstanceOf(MusterException.class)
                .hasMessageContaining("public.users of region 1 (remote 2 rows, global 3 rows: row counts differ)")
                .hasMessageContaining("public.users of region 2 (remote 1 row, global 1 row: contents differ)")
                .hasMessageContaining("public.vms of region 2 (remote 0 rows, global 0 rows: 1 remote row outside "
                        + "region 2's id range)")
                .satisfies(e -> assertThat(((MusterException) e).exitCode()).isEqualTo(ExitCode.FAILED));
    }

    @Test
    void aWrongPasswordIsRefusedAndChangesNothing() throws Exception {
        publishOnRemotes();
        Path wrong = Files.writeString(dir.resolve("wrong.password"), "not-the-password\n");
        ReplicationConfig config = replication(
                new SubscriptionConfig(
                        1,
                        "127.0.0.1",
                        databases.port(1),
                        ReplicationLogin.USER,
                        PostgresFleet.DATABASE,
                        Optional.of(wrong)),
                subscription(2));

        assertRefusedChangingNothing(
                () -> new SubscriptionSetup(local(GLOBAL), config).run(),
                ExitCode.UNAVAILABLE,
                "region 1 at 127.0.0.1:" + databases.port(1),
                "password authentication failed");
    }

    @Test
    void anUnreachableRemoteIsRefusedAndChangesNothing() throws Exception {
        publishOnRemotes();
        int closedPort = Ports.free();
        ReplicationConfig config = replication(
                subscription(2),
                new SubscriptionConfig(
                        1,
                        "127.0.0.1",
                        closedPort,
                        ReplicationLogin.USER,
                        PostgresFleet.DATABASE,
                        Optional.of(password)));

        assertRefusedChangingNothing(
                () -> new SubscriptionSetup(local(GLOBAL), config).run(),
                ExitCode.UNAVAILABLE,
                "region 1 at 127.0.0.1:" + closedPort);
    }

    @Test
    void aRemoteOfAnotherRegionIsRefusedAndChangesNothing() throws Exception {
        publishOnRemotes();
        ReplicationConfig config = replication(new SubscriptionConfig(
                1,
                "127.0.0.1",
                databases.port(2),
                ReplicationLogin.USER,
                PostgresFleet.DATABASE,
                Optional.of(password)));

        assertRefusedChangingNothing(
                () -> new SubscriptionSetup(local(GLOBAL), config).run(),
                ExitCode.CONFIG,
                "region 1 at 127.0.0.1:" + databases.port(2),
                "belongs to region 2");
    }

    @Test
    void aRemoteWithoutThePublicationIsRefusedAndChangesNothing() throws Exception {
        new RemotePublication(local(1), replication()).ensure();

        assertRefusedChangingNothing(
                () -> new SubscriptionSetup(local(GLOBAL), replication()).run(),
                ExitCode.FAILED,
                "region 2 at 127.0.0.1:" + databases.port(2),
                "has no publication miq");
    }

    @Test
    void teardownDropIsRefusedWhileARemoteCannotBeReachedAndChangesNothing() {
        publishOnRemotes();
        setup();
        awaitInStep();
        sql.execute(1, "ALTER ROLE " + ReplicationLogin.USER + " NOLOGIN");
        try {
            assertThatThrownBy(() -> teardown(TeardownMode.DROP))
                    .isInstanceOf(MusterException.class)
                    .hasMessageContaining("cannot drop region_1_subscription")
                    .hasMessageContaining("region 1 at 127.0.0.1:" + databases.port(1))
                    .hasMessageContaining("Nothing was changed")
                    .hasMessageContaining("--mode disable")
                    .hasMessageContaining("SET (slot_name = NONE)")
                    .hasMessageNotContaining(ReplicationLogin.PASSWORD)
                    .satisfies(e -> assertThat(((MusterException) e).exitCode()).isEqualTo(ExitCode.UNAVAILABLE));
            assertThat(sql.strings(GLOBAL, "SELECT subname || ' ' || subenabled FROM pg_subscription ORDER BY 1"))
                    .containsExactly("region_1_subscription true", "region_2_subscription true");
            assertThat(sql.slots(1)).containsExactly("region_1_subscription");
            assertThat(sql.slots(2)).containsExactly("region_2_subscription");
        } finally {
            sql.execute(1, "ALTER ROLE " + ReplicationLogin.USER + " LOGIN");
        }

        assertThat(teardown(TeardownMode.DROP))
                .extracting(TeardownOutcome::action)
                .containsOnly(TeardownOutcome.Action.DROPPED);
        assertThat(sql.slots(1)).isEmpty();
    }

    /** A refused setup names the remote, keeps the password to itself, and leaves every database as it was. */
    private void assertRefusedChangingNothing(ThrowingCallable setup, ExitCode exitCode, String... named) {
        List<String> globalRegionOne = sql.rowsOfRegion(GLOBAL, "users", 1);

        assertThatThrownBy(setup)
                .isInstanceOf(MusterException.class)
                .satisfies(e -> assertThat(((MusterException) e).exitCode()).isEqualTo(exitCode))
                .hasMessageContainingAll(named)
                .hasMessageNotContaining(ReplicationLogin.PASSWORD)
                .hasMessageNotContaining("not-the-password");

        assertThat(sql.subscriptions(GLOBAL)).isEmpty();
        assertThat(sql.slots(1)).isEmpty();
        assertThat(sql.slots(2)).isEmpty();
        assertThat(sql.rowsOfRegion(GLOBAL, "users", 1))
                .isEqualTo(globalRegionOne)
                .hasSize(2);
    }

    private void publishOnRemotes() {
        for (int remote : List.of(1, 2)) {
            PublicationChange change = new RemotePublication(local(remote), replication()).ensure();
            assertThat(change.tables()).containsExactly(USERS, VMS);
        }
    }

    /**
     * Every published table of both remotes, as the global has it, is what the remote has, and
     * every table's initial copy is over: rows show before a table is ready, and until then the
     * remote keeps a table-sync slot ({@code pg_<subid>_sync_<relid>_<sysid>}) beside the subscription's.
     */
    private void awaitInStep() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (int remote : List.of(1, 2)) {
                for (String table : List.of("users", "vms")) {
                    assertThat(sql.rowsOfRegion(GLOBAL, table, remote))
                            .as("%s of region %d", table, remote)
                            .isEqualTo(sql.rowsOfRegion(remote, table, remote));
                }
            }
            assertThat(sql.string(GLOBAL, "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'"))
                    .as("tables not yet ready on the global")
                    .isEqualTo("0");
            for (int remote : List.of(1, 2)) {
                assertThat(sql.slots(remote))
                        .as("slots on region %d", remote)
                        .noneMatch(slot -> slot.startsWith("pg_") && slot.contains("_sync_"));
            }
        });
    }

    private List<String> published(int region) {
        return sql.strings(
                region,
                "SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                        + "WHERE pubname = 'miq' ORDER BY 1");
    }

    /**
     * The LSN at which the table's initial copy was handed to the apply worker; a second copy would change it.
     * It moves once more when the table goes from synchronized to ready, so wait for ready first.
     */
    private String syncLsn(String table) {
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(subscribedTable("srsubstate", table))
                        .as("state of %s in region_1_subscription", table)
                        .isEqualTo("r"));
        return subscribedTable("srsublsn", table);
    }

    private String subscribedTable(String column, String table) {
        return sql.string(
                GLOBAL,
                "SELECT r." + column + " FROM pg_subscription_rel r JOIN pg_subscription s"
                        + " ON s.oid = r.srsubid WHERE s.subname = 'region_1_subscription'"
                        + " AND r.srrelid = 'public." + table + "'::regclass");
    }

    private List<SetupOutcome> setup() {
        return new SubscriptionSetup(local(GLOBAL), replication()).run();
    }

    private List<ReconcileOutcome> reconcile() {
        return new SubscriptionReconciler(local(GLOBAL), replication()).run();
    }

    private List<TeardownOutcome> teardown(TeardownMode mode) {
        return new SubscriptionTeardown(local(GLOBAL), replication()).run(mode);
    }

    private VerifyReport verify() {
        return new ReplicationVerifier(local(GLOBAL), replication()).run();
    }

    private ReplicationStatus status() {
        return new ReplicationStatus(local(GLOBAL), replication());
    }

    private ReplicationConfig replication() {
        return replication(subscription(1), subscription(2));
    }

    private static ReplicationConfig replication(SubscriptionConfig... subscriptions) {
        return new ReplicationConfig("miq", List.of(), Stream.of(subscriptions).toList());
    }

    private SubscriptionConfig subscription(int region) {
        return new SubscriptionConfig(
                region,
                "127.0.0.1",
                databases.port(region),
                ReplicationLogin.USER,
                PostgresFleet.DATABASE,
                Optional.of(password));
    }

    private static DatabaseConfig local(int region) {
        return new DatabaseConfig(databases.jdbcUrl(region), PostgresFleet.USER, Optional.empty());
    }
}
