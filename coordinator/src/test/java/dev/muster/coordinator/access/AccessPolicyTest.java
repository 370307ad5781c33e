package dev.muster.coordinator.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.common.tls.Identity;
import dev.muster.common.tls.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccessPolicyTest {

    private static final TlsFiles FILES = new TlsFiles(Path.of("c.crt"), Path.of("c.key"), Path.of("ca.crt"));
    private static final AccessPolicy MUTUAL_TLS = new AccessPolicy(TransportSecurity.mutualTls(
            FILES, "muster", new Operators(Map.of("alice", OperatorRole.ADMIN, "bob", OperatorRole.VIEWER)), 99));

    private static Caller operator(String name) {
        return Caller.of("10.0.0.5:1234", new Identity.Operator(name));
    }

    private static Caller region(int number) {
        return Caller.of("10.0.0.6:1234", new Identity.Region(number));
    }

    @ParameterizedTest
    @EnumSource(AdminAction.class)
    void anAdminMayDoEverythingAndAViewerOnlyRead(AdminAction action) {
        assertThat(MUTUAL_TLS.admin(operator("alice"), action)).isEmpty();
        Optional<Denial> viewer = MUTUAL_TLS.admin(operator("bob"), action);
        if (action.needs() == OperatorRole.VIEWER) {
            assertThat(viewer).isEmpty();
        } else {
            assertThat(viewer).hasValueSatisfying(denial -> {
                assertThat(denial.unauthenticated()).isFalse();
                assertThat(denial.reason())
                        .isEqualTo("operator bob is a viewer and may not run 'muster " + action.command()
                                + "': it needs the admin role");
            });
        }
    }

    @ParameterizedTest
    @EnumSource(AdminAction.class)
    void noOneElseCallsTheOperatorsApi(AdminAction action) {
        assertThat(MUTUAL_TLS.admin(operator("carol"), action))
                .hasValueSatisfying(denial -> assertThat(denial.reason())
                        .startsWith("operator carol has no role here")
                        .contains("operators." + action.needs().key()));
        assertThat(MUTUAL_TLS.admin(region(1), action))
                .hasValueSatisfying(denial -> assertThat(denial.reason())
                        .startsWith("region 1's certificate cannot call the operators' API"));
        assertThat(MUTUAL_TLS.admin(Caller.unauthenticated("10.0.0.7:1"), action))
                .hasValueSatisfying(denial -> {
                    assertThat(denial.unauthenticated()).isTrue();
                    assertThat(denial.reason()).contains("requires a client certificate", "10.0.0.7:1");
                });
        assertThat(MUTUAL_TLS.admin(
                        new Caller(
                                "10.0.0.7:1",
                                true,
                                Optional.empty(),
                                List.of("spiffe://other/operator/alice"),
                                "",
                                Optional.empty()),
                        action))
                .hasValueSatisfying(denial -> {
                    assertThat(denial.unauthenticated()).isTrue();
                    assertThat(denial.reason())
                            .contains("no muster identity in trust domain 'muster'", "spiffe://other/operator/alice");
                });
    }

    @Test
    void anAgentSpeaksOnlyForItsOwnRegion() {
        assertThat(MUTUAL_TLS.agentSession(region(1))).isEmpty();
        assertThat(MUTUAL_TLS.hello(region(1), 1, false)).isEmpty();
        assertThat(MUTUAL_TLS.hello(region(1), 2, false)).hasValueSatisfying(denial -> {
            assertThat(denial.unauthenticated()).isFalse();
            assertThat(denial.reason()).contains("names region 1", "claims region 2");
        });
        assertThat(MUTUAL_TLS.agentSession(operator("alice")))
                .hasValueSatisfying(denial -> assertThat(denial.reason())
                        .contains(
                                "operator alice's certificate cannot open an agent session",
                                "spiffe://muster/region/<N>"));
        assertThat(MUTUAL_TLS.hello(operator("alice"), 1, false)).isPresent();
        assertThat(MUTUAL_TLS.agentSession(Caller.unauthenticated("10.0.0.7:1")))
                .hasValueSatisfying(
                        denial -> assertThat(denial.unauthenticated()).isTrue());
    }

    @Test
    void onlyTheConfiguredGlobalsCertificateSpeaksAsTheGlobal() {
        assertThat(MUTUAL_TLS.hello(region(99), 99, true)).isEmpty();
        assertThat(MUTUAL_TLS.hello(region(3), 3, true))
                .hasValueSatisfying(denial -> assertThat(denial.reason())
                        .contains(
                                "region 3's agent says it is the global",
                                "names region 99 the global (global_region)"));
        assertThat(MUTUAL_TLS.hello(region(99), 99, false))
                .hasValueSatisfying(denial ->
                        assertThat(denial.reason()).contains("region 99 is the global", "says it is a remote"));
    }

    @Test
    void aCertificateNoLongerTrustedSaysWhy() {
        Caller expired = new Caller(
                "10.0.0.8:1",
                true,
                Optional.empty(),
                List.of("spiffe://muster/region/1"),
                "",
                Optional.of("a client's certificate (spiffe://muster/region/1) is no longer trusted: it expired"));

        assertThat(MUTUAL_TLS.agentSession(expired)).hasValueSatisfying(denial -> {
            assertThat(denial.unauthenticated()).isTrue();
            assertThat(denial.reason()).endsWith("is no longer trusted: it expired");
        });
    }

    @ParameterizedTest
    @EnumSource(
            value = TransportSecurity.Mode.class,
            names = {"PLAINTEXT_LOOPBACK", "INSECURE"})
    void withoutTlsNobodyIsAuthenticatedAndEverythingIsAllowed(TransportSecurity.Mode mode) {
        AccessPolicy plaintext = new AccessPolicy(TransportSecurity.plaintext(mode));
        Caller anyone = Caller.unauthenticated("127.0.0.1:1");

        for (AdminAction action : AdminAction.values()) {
            assertThat(plaintext.admin(anyone, action)).isEmpty();
        }
        assertThat(plaintext.agentSession(anyone)).isEmpty();
        assertThat(plaintext.hello(anyone, 2, true)).isEmpty();
        assertThat(anyone.actor()).isEqualTo("an unauthenticated client (from 127.0.0.1:1)");
    }

    @Test
    void theActorIsTheCertificatesIdentity() {
        assertThat(operator("alice").actor()).isEqualTo("operator alice (from 10.0.0.5:1234)");
        assertThat(region(3).actor()).isEqualTo("region 3 (from 10.0.0.6:1234)");
    }
}
