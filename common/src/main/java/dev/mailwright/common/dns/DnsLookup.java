package dev.mailwright.common.dns;

import com.google.inject.ImplementedBy;

/**
 * DNS questions of the hooks (SPF, DKIM keys, DMARC records) and of the outbound delivery (MX, AAAA/A, MTA-STS, TLSA),
 * on the resolver of {@code conf/dnsservice.xml}. Implementations bound the time a question may take, since hooks run
 * on the SMTP server's network threads (James 3.8.1), and cache answers.
 */
@ImplementedBy(ResolverDnsLookup.class)
public interface DnsLookup {

    /** Records of {@code type} (a dnsjava {@link org.xbill.DNS.Type}) for {@code name}, CNAMEs followed. */
    DnsAnswer lookup(String name, int type);

    default DnsAnswer txt(String name) {
        return lookup(name, org.xbill.DNS.Type.TXT);
    }

    /** Whether answers can be {@link DnsAnswer#secure() secure} at all (DNSSEC validation is configured). */
    default boolean validatesDnssec() {
        return false;
    }
}
