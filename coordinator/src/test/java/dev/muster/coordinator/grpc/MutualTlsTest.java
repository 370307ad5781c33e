package dev.muster.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.muster.common.net.HostPort;
import dev.muster.common.tls.CertificateRequest;
import dev.muster.common.tls.ReloadingKeyManager;
import dev.muster.common.tls.ReloadingTrustManager;
import dev.muster.common.tls.TestPki;
import dev.muster.common.tls.TlsChannels;
import dev.muster.common.tls.TlsFiles;
import dev.muster.coordinator.access.OperatorRole;
import dev.muster.coordinator.access.Operators;
import dev.muster.coordinator.access.RefusalLog;
import dev.muster.coordinator.access.TransportSecurity;
import dev.muster.coordinator.events.EventKind;
import dev.muster.coordinator.events.FleetEvent;
import dev.muster.coordinator.events.FleetObserver;
import dev.muster.coordinator.fleet.Fleet;
import dev.muster.coordinator.hub.FleetHub;
import dev.muster.coordinator.upgrade.UpgradeDriver;
import dev.muster.proto.v1.AdminServiceGrpc;
import dev.muster.proto.v1.AgentServiceGrpc;
import dev.muster.proto.v1.ForceReleaseRequest;
import dev.muster.proto.v1.GetStatusRequest;
import dev.muster.proto.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's port with mutual TLS, over real Netty TLS on loopback: who gets in, and what they may do. */
class MutualTlsTest {

    @TempDir
    Path dir;

    private TestPki pki;
    private FleetHub hub;
    private final List<FleetEvent> events = Collections.synchronizedList(new ArrayList<>());
    private CoordinatorServer server;
    private RefusalLog refusals;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir.resolve("ca"));
        hub = new FleetHub(Fleet.withMembers(List.of(1, 2)), Clock.systemUTC());
        hub.observe((FleetObserver) (fleet, happened) -> events.addAll(happened));
        TransportSecurity security = TransportSecurity.mutualTls(
                pki.coordinator(),
                "muster",
                new Operators(Map.of("alice", OperatorRole.ADMIN, "bob", OperatorRole.VIEWER)),
                99);
        refusals = new RefusalLog(hub, Clock.systemUTC(), new SimpleMeterRegistry());
        server = new CoordinatorServer(
                        new HostPort("127.0.0.1", 0),
                        security,
                        hub,
                        "9.9.9-test",
                        false,
                        () -> CompletableFuture.completedFuture(null),
                        new UpgradeDriver(hub),
                        refusals)
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        channels.forEach(ManagedChannel::shutdownNow);
        server.close();
        refusals.close();
    }

    private HostPort address() {
        return new HostPort("127.0.0.1", server.port());
    }

    private ManagedChannel channel(Optional<TlsFiles> tls) {
        ManagedChannel channel = TlsChannels.to(address(), tls).builder().build();
        channels.add(channel);
        return channel;
    }

    private AdminServiceGrpc.AdminServiceBlockingStub admin(TlsFiles tls) {
        return AdminServiceGrpc.newBlockingStub(channel(Optional.of(tls))).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private StatusRuntimeException failure(Function<AdminServiceGrpc.AdminServiceBlockingStub, ?> call, TlsFiles tls) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> call.apply(admin(tls)));
    }

    private static ForceReleaseRequest force(String version) {
        return ForceReleaseRequest.newBuilder()
                .setVersion(version)
                .setReason("test")
                .setActor("root")
                .build();
    }

    private List<FleetEvent> eventsOf(EventKind kind) {
        synchronized (events) {
            return events.stream().filter(event -> event.kind() == kind).toList();
        }
    }

    @Test
    void anAdminChangesTheFleetAndTheEventLogNamesItFromItsCertificate() {
        assertThat(admin(pki.operator("alice"))
                        .forceRelease(force("20200424183342"))
                        .getChanged())
                .isTrue();

        assertThat(hub.fleet().forced()).containsKey("20200424183342");
        assertThat(eventsOf(EventKind.FORCED_RELEASE))
                .singleElement()
                .satisfies(event -> assertThat(event.actor())
                        .startsWith("operator alice (from 127.0.0.1:")
                        .doesNotContain("root"));
    }

    @Test
    void aViewerReadsTheFleetButCannotReleaseAnything() {
        assertThat(admin(pki.operator("bob"))
                        .getStatus(GetStatusRequest.getDefaultInstance())
                        .getSecurity())
                .isEqualTo(dev.muster.proto.v1.TransportSecurity.MUTUAL_TLS);

        StatusRuntimeException denied =
                failure(stub -> stub.forceRelease(force("20200424183342")), pki.operator("bob"));

        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).contains("operator bob", "viewer", "needs the admin role");
        assertThat(hub.fleet().forced()).isEmpty();
        assertThat(eventsOf(EventKind.DENIED))
                .singleElement()
                .satisfies(event -> assertThat(event.detail()).contains("operator bob"));
    }

    @Test
    void anOperatorWithoutARoleAndARegionAreRefusedTheOperatorsApi() {
        StatusRuntimeException carol =
                failure(stub -> stub.getStatus(GetStatusRequest.getDefaultInstance()), pki.operator("carol"));
        StatusRuntimeException region =
                failure(stub -> stub.getStatus(GetStatusRequest.getDefaultInstance()), pki.region(1));

        assertThat(carol.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(carol.getStatus().getDescription()).contains("operator carol has no role", "operators.viewer");
        assertThat(region.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(region.getStatus().getDescription())
                .contains("region 1's certificate cannot call the operators' API");
    }

    @Test
    void aClientWithoutACertificateIsToldWhatToGive() throws Exception {
        // a TLS client that trusts the coordinator and has no certificate of its own
        SslContext noCertificate =
                GrpcSslContexts.forClient().trustManager(pki.caFile().toFile()).build();
        ManagedChannel tlsWithoutCertificate = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .sslContext(noCertificate)
                .build();
        channels.add(tlsWithoutCertificate);

        StatusRuntimeException refused = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> AdminServiceGrpc.newBlockingStub(tlsWithoutCertificate)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getStatus(GetStatusRequest.getDefaultInstance()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused.getStatus().getDescription()).contains("requires a client certificate", "--tls-cert");
    }

    @Test
    void anAgentSpeaksOnlyForTheRegionItsCertificateNames() throws Exception {
        AgentStream claimsTwo = AgentStream.open(AgentServiceGrpc.newStub(channel(Optional.of(pki.region(1)))));
        claimsTwo.send(AgentMessages.hello(2, Role.REMOTE, List.of("1", "2"), List.of("1", "2")));

        Status refused = claimsTwo.awaitClosed();
        assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getDescription()).contains("names region 1", "claims region 2");
        assertThat(hub.fleet().region(2)).isEmpty();
        assertThat(eventsOf(EventKind.REFUSED)).singleElement().satisfies(event -> {
            assertThat(event.region()).hasValue(2);
            assertThat(event.detail()).contains("names region 1");
        });

        AgentStream itself = AgentStream.open(AgentServiceGrpc.newStub(channel(Optional.of(pki.region(1)))));
        itself.send(AgentMessages.hello(1, Role.REMOTE, List.of("1"), List.of("1")));
        assertThat(itself.next().hasWelcome()).isTrue();
        assertThat(hub.fleet().region(1)).isPresent();
    }

    @Test
    void anOperatorsCertificateCannotOpenAnAgentSession() throws Exception {
        AgentStream stream = AgentStream.open(AgentServiceGrpc.newStub(channel(Optional.of(pki.operator("alice")))));
        stream.send(AgentMessages.hello(1, Role.REMOTE, List.of(), List.of()));

        Status refused = stream.awaitClosed();
        assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getDescription()).contains("operator alice's certificate cannot open an agent session");
        assertThat(hub.fleet().region(1)).isEmpty();
    }

    @Test
    void certificatesFromAnotherCaExpiredOrNotYetValidAreRefusedAtTheHandshakeAndLogged() {
        TestPki other = TestPki.create(dir.resolve("other"));
        TlsFiles foreign = new TlsFiles(other.region(1).cert(), other.region(1).key(), pki.caFile());

        // what the client can tell of its own certificate, it says; the coordinator's log says the rest
        Map<TlsFiles, List<String>> cases = Map.of(
                foreign,
                List.of(
                        "not issued by a CA in",
                        "refused this client's certificate (" + foreign.cert()
                                + ") at the TLS handshake (TLS alert certificate_unknown): not issued by its CA"),
                pki.expiredRegion(1),
                List.of(
                        "expired at",
                        "refused this client at the TLS handshake: this client's " + "certificate "
                                + pki.expiredRegion(1).cert() + ": the certificate expired at"),
                pki.notYetValidRegion(1),
                List.of(
                        "not valid yet",
                        "this client's certificate " + pki.notYetValidRegion(1).cert()
                                + ": the certificate is not valid yet"));
        cases.forEach((files, words) -> {
            String reason = words.get(0);
            StatusRuntimeException refused =
                    failure(stub -> stub.getStatus(GetStatusRequest.getDefaultInstance()), files);
            assertThat(refused.getStatus().getCode()).as(reason).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(TlsChannels.to(address(), Optional.of(files)).explain(refused))
                    .as(reason)
                    .hasValueSatisfying(text -> assertThat(text)
                            .startsWith("the coordinator at " + address())
                            .contains(words.get(1)));
            // what an unverified certificate claims is in the words, not the event's region
            await(reason)
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> eventsOf(EventKind.REFUSED).stream()
                            .anyMatch(event -> event.detail().contains(reason)
                                    && event.detail().contains("spiffe://muster/region/1")
                                    && event.region().isEmpty()));
        });
        assertThat(hub.fleet().region(1)).isEmpty();
    }

    @Test
    void aPlaintextClientIsToldTheCoordinatorServesTls() {
        StatusRuntimeException refused = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> AdminServiceGrpc.newBlockingStub(channel(Optional.empty()))
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getStatus(GetStatusRequest.getDefaultInstance()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(TlsChannels.to(address(), Optional.empty()).explain(refused))
                .hasValueSatisfying(text -> assertThat(text).contains(address().toString(), "--tls-cert"));
    }

    @Test
    void aRotatedCertificateServesTheNextHandshake() throws Exception {
        BigInteger before = serverCertificateSerial(pki.operator("alice"));

        pki.coordinator();

        assertThat(serverCertificateSerial(pki.operator("alice"))).isNotEqualTo(before);
        assertThat(admin(pki.operator("alice"))
                        .getStatus(GetStatusRequest.getDefaultInstance())
                        .getSecurity())
                .isEqualTo(dev.muster.proto.v1.TransportSecurity.MUTUAL_TLS);
    }

    @Test
    void aCoordinatorWhoseCertificateDoesNotNameTheAddressIsNotTrusted() {
        pki.issue("coordinator", CertificateRequest.coordinator(List.of("elsewhere.example")));

        StatusRuntimeException refused =
                failure(stub -> stub.getStatus(GetStatusRequest.getDefaultInstance()), pki.operator("alice"));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(TlsChannels.to(address(), Optional.of(pki.operator("alice"))).explain(refused))
                .hasValueSatisfying(text -> assertThat(text)
                        .startsWith("cannot verify the coordinator at " + address())
                        .contains("the coordinator's certificate (elsewhere.example", "127.0.0.1"));
    }

    @Test
    void anAgentShowsItsRenewedCertificateWhenItConnectsAgainOnTheSameChannel() throws Exception {
        TlsFiles region = pki.region(1);
        TlsChannels transport = TlsChannels.to(address(), Optional.of(region));
        ManagedChannel channel = transport.builder().build();
        channels.add(channel);
        connectAndLeave(channel, serial(region));

        BigInteger renewed = serial(pki.region(1));
        channel.enterIdle();
        // as the agent's link does before each session: a resumed TLS session would show the old certificate
        transport.forgetSessions();
        connectAndLeave(channel, renewed);
    }

    /** Opens region 1's session on {@code channel}, expects the coordinator to have seen {@code serial}, and ends it. */
    private void connectAndLeave(ManagedChannel channel, BigInteger serial) throws Exception {
        AgentStream stream = AgentStream.open(AgentServiceGrpc.newStub(channel));
        stream.send(AgentMessages.hello(1, Role.REMOTE, List.of(), List.of()));
        assertThat(stream.next().hasWelcome()).isTrue();
        assertThat(eventsOf(EventKind.CONNECTED))
                .last()
                .satisfies(event -> assertThat(event.detail()).contains("with certificate " + serial.toString(16)));
        stream.halfClose();
        assertThat(stream.awaitClosed().isOk()).isTrue();
    }

    private static BigInteger serial(TlsFiles files) throws Exception {
        try (var in = java.nio.file.Files.newInputStream(files.cert())) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(in))
                    .getSerialNumber();
        }
    }

    @Test
    void everyMethodOfTheOperatorsServiceNeedsARole() {
        assertThat(AdminAuthorization.actions().keySet())
                .containsExactlyInAnyOrderElementsOf(
                        AdminServiceGrpc.getServiceDescriptor().getMethods());
    }

    private BigInteger serverCertificateSerial(TlsFiles client) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                new KeyManager[] {new ReloadingKeyManager(client.cert(), client.key())},
                new TrustManager[] {
                    new ReloadingTrustManager(
                            client.ca(), "the coordinator", ReloadingTrustManager.Refusals.NONE, Clock.systemUTC())
                },
                null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
