package dev.mailwright.smtp.dns;

import com.google.inject.ImplementedBy;

/**
 * DNS questions of the policy hooks (SPF, DKIM keys, DMARC records). Implementations bound the time a question may
 * take, since the hooks run on the SMTP server's network threads (James 3.8.1), and cache answers.
 */
@ImplementedBy(ResolverDnsLookup.class)
public interface DnsLookup {

    /** Records of {@code type} (a dnsjava {@link org.xbill.DNS.Type}) for {@code name}, CNAMEs followed. */
    DnsAnswer lookup(String name, int type);

    default DnsAnswer txt(String name) {
        return lookup(name, org.xbill.DNS.Type.TXT);
    }
}
