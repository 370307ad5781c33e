package dev.muster.common.tls;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a certificate for a muster party says: an agent's and an operator's name their
 * identity as a URI (and may be used only as TLS clients); the coordinator's name the
 * host names and addresses agents and operators reach it by (and may serve TLS).
 */
public record CertificateRequest(
        String commonName,
        List<URI> uris,
        List<String> dnsNames,
        List<InetAddress> ipAddresses,
        boolean server,
        boolean client) {

    public CertificateRequest {
        uris = List.copyOf(uris);
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    /** A region's agent, or an operator, in {@code trustDomain}. */
    public static CertificateRequest client(Identity identity, String trustDomain) {
        Identity.checkTrustDomain(trustDomain);
        return new CertificateRequest(
                identity.describe(), List.of(identity.uri(trustDomain)), List.of(), List.of(), false, true);
    }

    /**
     * The coordinator, reached at {@code hosts}: each a host name or an IP address, as agents
     * and operators write it in their {@code address} or {@code --coordinator}.
     */
    public static CertificateRequest coordinator(List<String> hosts) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("name at least one host the coordinator is reached at");
        }
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        for (String host : hosts) {
            if (isAddress(host)) {
                try {
                    ips.add(InetAddress.getByName(host));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
                }
            } else if (host.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*")) {
                dns.add(host);
            } else {
                throw new IllegalArgumentException("'" + host + "' is neither a host name nor an IP address");
            }
        }
        return new CertificateRequest("muster coordinator", List.of(), dns, ips, true, false);
    }

    private static boolean isAddress(String host) {
        return host.contains(":") || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }
}
