package dev.mailwright.smtp.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrganizationalDomainTest {
    @Test
    void isTheRegistrableDomainUnderThePublicSuffix() {
        assertThat(OrganizationalDomain.of("mail.example.com")).isEqualTo("example.com");
        assertThat(OrganizationalDomain.of("a.b.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(OrganizationalDomain.of("Example.COM.")).isEqualTo("example.com");
    }

    @Test
    void namesUnderUnknownSuffixesUseTheirLastTwoLabels() {
        assertThat(OrganizationalDomain.of("mx.sender.test")).isEqualTo("sender.test");
        assertThat(OrganizationalDomain.of("sender.test")).isEqualTo("sender.test");
        assertThat(OrganizationalDomain.of("localhost")).isEqualTo("localhost");
    }

    @Test
    void relaxedAlignmentComparesOrganizationalDomainsStrictComparesNames() {
        assertThat(OrganizationalDomain.aligned("bounces.example.com", "example.com", false)).isTrue();
        assertThat(OrganizationalDomain.aligned("bounces.example.com", "example.com", true)).isFalse();
        assertThat(OrganizationalDomain.aligned("EXAMPLE.com", "example.com.", true)).isTrue();
        assertThat(OrganizationalDomain.aligned("example.co.uk", "other.co.uk", false)).isFalse();
    }
}
