package dev.muster.common.tls;

import dev.muster.common.region.RegionNumber;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a certificate speaks for, as a SPIFFE-style URI in its subject alternative names:
 * {@code spiffe://<trust-domain>/region/<N>} for a region's agent,
 * {@code spiffe://<trust-domain>/operator/<name>} for an operator. The coordinator takes a
 * party's identity from here, never from what the party says about itself.
 */
public sealed interface Identity {

    String DEFAULT_TRUST_DOMAIN = "muster";

    /** Lower-case letters, digits, dots, dashes and underscores, as SPIFFE allows in a trust domain. */
    Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
    /** An operator's name: what the audit log shows and {@code operators} in the configuration lists. */
    Pattern OPERATOR_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** The URI this identity has in {@code trustDomain}. */
    URI uri(String trustDomain);

    /** "region 1", "operator alice": how messages and the event log name it. */
    String describe();

    record Region(int number) implements Identity {
        public Region {
            if (!RegionNumber.isValid(number)) {
                throw new IllegalArgumentException(
                        "region " + number + " is not a region number (0 to " + RegionNumber.MAX + ")");
            }
        }

        @Override
        public URI uri(String trustDomain) {
            return URI.create("spiffe://" + trustDomain + "/region/" + number);
        }

        @Override
        public String describe() {
            return "region " + number;
        }
    }

    record Operator(String name) implements Identity {
        public Operator {
            if (!OPERATOR_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not an operator name: letters, digits, '.', '-' "
                        + "and '_', beginning with a letter or digit, at most 64 characters");
            }
        }

        @Override
        public URI uri(String trustDomain) {
            return URI.create("spiffe://" + trustDomain + "/operator/" + name);
        }

        @Override
        public String describe() {
            return "operator " + name;
        }
    }

    static void checkTrustDomain(String trustDomain) {
        if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw new IllegalArgumentException(
                    "'" + trustDomain + "' is not a trust domain: lower-case letters, " + "digits, '.', '-' and '_'");
        }
    }

    /**
     * The identity {@code uri} names in {@code trustDomain}; empty when it is not a muster
     * identity of that trust domain (another scheme, another domain, another path).
     */
    static Optional<Identity> parse(String trustDomain, String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (!"spiffe".equals(parsed.getScheme())
                || !trustDomain.equals(parsed.getRawAuthority())
                || parsed.getRawQuery() != null
                || parsed.getRawFragment() != null
                || parsed.getRawPath() == null) {
            return Optional.empty();
        }
        String[] parts = parsed.getRawPath().split("/", -1);
        if (parts.length != 3 || !parts[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return switch (parts[1]) {
                case "region" ->
                    parts[2].matches("0|[1-9][0-9]{0,9}")
                            ? Optional.of(new Region(Integer.parseInt(parts[2])))
                            : Optional.empty();
                case "operator" -> Optional.of(new Operator(parts[2]));
                default -> Optional.empty();
            };
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
