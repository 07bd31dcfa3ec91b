package dev.mailwright.smtp.dmarc;

import java.util.List;
import java.util.Locale;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.InternetDomainName;

/**
 * The organizational domain of a name (RFC 7489 3.2): the registrable domain under its public suffix, from the
 * Public Suffix List bundled with Guava ({@code mail.example.co.uk} -> {@code example.co.uk}). A name under no known
 * suffix (private or test TLDs such as {@code .test}, {@code .internal}) has its last two labels as organizational
 * domain.
 */
public final class OrganizationalDomain {
    private OrganizationalDomain() {
    }

    /** Parsing a name against the suffix list is not free, and the same few domains come back all day. */
    private static final Cache<String, String> KNOWN = CacheBuilder.newBuilder().maximumSize(10_000).build();

    public static String of(String domain) {
        String name = normalize(domain);
        String known = KNOWN.getIfPresent(name);
        if (known != null) {
            return known;
        }
        String organizational = lookup(name);
        KNOWN.put(name, organizational);
        return organizational;
    }

    private static String lookup(String name) {
        try {
            InternetDomainName parsed = InternetDomainName.from(name);
            if (parsed.isUnderPublicSuffix()) {
                return parsed.topPrivateDomain().toString();
            }
            if (parsed.isPublicSuffix()) {
                return name;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // not a valid host name for Guava: fall back to the labels
        }
        List<String> labels = List.of(name.split("\\."));
        return labels.size() <= 2 ? name : String.join(".", labels.subList(labels.size() - 2, labels.size()));
    }

    /** Relaxed alignment: same organizational domain. Strict: the same name. */
    public static boolean aligned(String first, String second, boolean strict) {
        String a = normalize(first);
        String b = normalize(second);
        if (strict) {
            return a.equals(b);
        }
        return a.equals(b) || of(a).equals(of(b));
    }

    static String normalize(String domain) {
        String lower = domain.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
