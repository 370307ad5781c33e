package dev.muster.coordinator.cli;

import dev.muster.common.ExitCode;
import dev.muster.common.MusterException;
import dev.muster.common.tls.CertificateAuthority;
import dev.muster.common.tls.CertificateRequest;
import dev.muster.common.tls.Certificates;
import dev.muster.common.tls.Identity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code muster certs init|issue}: a working set of certificates for mutual TLS, so that the
 * README's setup is copy-paste. Deployments with a PKI of their own issue the same with it.
 */
@Command(
        name = "certs",
        description = "Make a CA and certificates for the coordinator, agents and operators.",
        subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class})
final class CertsCommand {

    /** Certificates begin a little in the past, so that a clock slightly behind still takes them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    @Command(
            name = "init",
            description = "Make a CA: DIR/ca.crt (give it to every party) and DIR/ca.key (keep it "
                    + "safe: whoever has it can issue any identity).")
    static final class Init implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the CA's files go")
        Path dir;

        @Option(
                names = "--days",
                defaultValue = "3650",
                paramLabel = "N",
                description = "How long the CA is valid, in days (default: ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            CertificateAuthority ca = CertificateAuthority.create(
                    "muster CA", now.minus(BACKDATE), now.plus(Duration.ofDays(positive(days))));
            ca.write(dir);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Wrote " + dir.resolve(CertificateAuthority.CERT_FILE) + " and "
                    + dir.resolve(CertificateAuthority.KEY_FILE) + " (readable by you only), valid until "
                    + ca.certificate().getNotAfter().toInstant());
            out.println("Next: muster certs issue --coordinator HOST --dir " + dir
                    + ", then --region N for each region " + "and --operator NAME for each operator");
            return 0;
        }
    }

    @Command(
            name = "issue",
            description = "Issue a certificate and key, signed by the CA in DIR, into DIR: "
                    + "region-N.crt/.key, operator-NAME.crt/.key or coordinator.crt/.key.")
    static final class Issue implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Subject subject;

        static final class Subject {
            @Option(
                    names = "--region",
                    paramLabel = "N",
                    description = "A region's agent: spiffe://<trust-domain>/region/N")
            Integer region;

            @Option(
                    names = "--operator",
                    paramLabel = "NAME",
                    description = "An operator: spiffe://<trust-domain>/operator/NAME")
            String operator;

            @Option(
                    names = "--coordinator",
                    paramLabel = "HOST",
                    arity = "1..*",
                    description = "The coordinator, by every host name and IP address it is reached at")
            List<String> coordinator;
        }

        @Option(
                names = "--dir",
                required = true,
                paramLabel = "DIR",
                description = "Where the CA is (ca.crt, ca.key) and the new files go")
        Path dir;

        @Option(
                names = "--trust-domain",
                defaultValue = Identity.DEFAULT_TRUST_DOMAIN,
                paramLabel = "DOMAIN",
                description = "The SPIFFE trust domain (default: ${DEFAULT-VALUE}; the coordinator's trust_domain)")
        String trustDomain;

        @Option(
                names = "--days",
                defaultValue = "365",
                paramLabel = "N",
                description = "How long the certificate is valid, in days (default: ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() {
            CertificateRequest request;
            String base;
            try {
                if (subject.region != null) {
                    request = CertificateRequest.client(new Identity.Region(subject.region), trustDomain);
                    base = "region-" + subject.region;
                } else if (subject.operator != null) {
                    request = CertificateRequest.client(new Identity.Operator(subject.operator), trustDomain);
                    base = "operator-" + subject.operator;
                } else {
                    request = CertificateRequest.coordinator(subject.coordinator);
                    base = "coordinator";
                }
            } catch (IllegalArgumentException e) {
                throw new MusterException(ExitCode.USAGE, e.getMessage());
            }
            CertificateAuthority ca = CertificateAuthority.load(dir);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant notAfter = now.plus(Duration.ofDays(positive(days)));
            if (notAfter.isAfter(ca.certificate().getNotAfter().toInstant())) {
                notAfter = ca.certificate().getNotAfter().toInstant();
            }
            CertificateAuthority.Issued issued = ca.issue(request, now.minus(BACKDATE), notAfter);
            issued.write(dir, base);
            spec.commandLine()
                    .getOut()
                    .println("Wrote " + dir.resolve(base + ".crt") + " and " + dir.resolve(base + ".key")
                            + " (readable by you only): " + Certificates.describe(issued.certificate()));
            return 0;
        }
    }

    private static int positive(int days) {
        if (days < 1) {
            throw new MusterException(ExitCode.USAGE, "--days must be at least 1, not " + days);
        }
        return days;
    }
}
