package dev.muster.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.common.region.RegionNumber;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IdentityTest {

    @Provide
    Arbitrary<String> trustDomains() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz0123456789.-_")
                .ofMinLength(1)
                .ofMaxLength(30);
    }

    @Provide
    Arbitrary<String> operatorNames() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('A', 'Z')
                .withCharRange('0', '9')
                .withChars("._-")
                .ofMinLength(1)
                .ofMaxLength(64)
                .filter(name -> Character.isLetterOrDigit(name.charAt(0)));
    }

    @Property
    void aRegionsUriNamesThatRegionInItsTrustDomainOnly(
            @ForAll @IntRange(min = 0, max = RegionNumber.MAX) int region, @ForAll("trustDomains") String domain) {
        Identity identity = new Identity.Region(region);
        String uri = identity.uri(domain).toString();

        assertThat(Identity.parse(domain, uri)).contains(identity);
        assertThat(Identity.parse(domain + "x", uri)).isEmpty();
    }

    @Property
    void anOperatorsUriNamesThatOperator(@ForAll("operatorNames") String name, @ForAll("trustDomains") String domain) {
        Identity identity = new Identity.Operator(name);

        assertThat(Identity.parse(domain, identity.uri(domain).toString())).contains(identity);
    }

    @Property
    void arbitraryTextNeverParsesToAnIdentityItDoesNotSpell(@ForAll String text) {
        Optional<Identity> parsed = Identity.parse("muster", text);

        parsed.ifPresent(
                identity -> assertThat(identity.uri("muster").toString()).isEqualTo(text));
    }

    @Test
    void onlyTheExactShapesAreIdentities() {
        assertThat(Identity.parse("muster", "spiffe://muster/region/1")).contains(new Identity.Region(1));
        assertThat(Identity.parse("muster", "spiffe://muster/operator/alice")).contains(new Identity.Operator("alice"));
        for (String other : new String[] {
            "spiffe://muster/region/01",
            "spiffe://muster/region/-1",
            "spiffe://muster/region/" + (RegionNumber.MAX + 1L),
            "spiffe://muster/region/1/x",
            "spiffe://muster/region/1?x=1",
            "spiffe://muster/region/1#x",
            "https://muster/region/1",
            "spiffe://other/region/1",
            "spiffe://muster/node/1",
            "spiffe://muster/operator/",
            "spiffe://muster",
            "spiffe://muster/operator/al ice",
            "spiffe://user@muster/region/1",
            "spiffe://muster:443/region/1",
            "spiffe://muster//region/1",
            "not a uri at all"
        }) {
            assertThat(Identity.parse("muster", other)).as(other).isEmpty();
        }
    }

    @Test
    void namesAreCheckedWhereTheyAreMade() {
        assertThatThrownBy(() -> new Identity.Region(-1)).hasMessageContaining("not a region number");
        assertThatThrownBy(() -> new Identity.Operator("alice/../bob")).hasMessageContaining("not an operator name");
        assertThatThrownBy(() -> Identity.checkTrustDomain("Muster")).hasMessageContaining("not a trust domain");
    }
}
