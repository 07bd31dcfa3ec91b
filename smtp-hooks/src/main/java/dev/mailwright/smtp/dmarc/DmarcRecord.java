package dev.mailwright.smtp.dmarc;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DMARC policy record (RFC 7489 6.3): {@code v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=r}. Only what
 * the receiver applies is kept; reporting tags (rua, ruf, fo, ri) are not used.
 */
public record DmarcRecord(Disposition policy, Disposition subdomainPolicy, int percent, boolean strictDkim,
                          boolean strictSpf) {

    public enum Disposition {
        NONE, QUARANTINE, REJECT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The next less strict disposition, for messages not sampled by {@code pct} (RFC 7489 6.6.4). */
        Disposition relaxed() {
            return this == REJECT ? QUARANTINE : NONE;
        }

        static Optional<Disposition> parse(String value) {
            return switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
                case "none" -> Optional.of(NONE);
                case "quarantine" -> Optional.of(QUARANTINE);
                case "reject" -> Optional.of(REJECT);
                default -> Optional.empty();
            };
        }
    }

    /** Whether a TXT record is a DMARC record at all ({@code v=DMARC1} first). */
    static boolean isDmarc(String text) {
        return DMARC1.matcher(text.strip()).matches();
    }

    /** Compiled once: {@link #isDmarc} runs for every TXT record at _dmarc of every message's From domain. */
    private static final Pattern DMARC1 = Pattern.compile("(?i)^v\\s*=\\s*DMARC1\\s*(;.*)?$");

    /**
     * Parses a record that {@link #isDmarc}. An invalid or missing {@code p} makes a record whose policy is
     * {@code none} (RFC 7489 6.6.3: such a record still asks for reports, not for enforcement).
     */
    static DmarcRecord parse(String text) {
        Map<String, String> tags = new HashMap<>();
        for (String part : text.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                tags.putIfAbsent(part.substring(0, equals).strip().toLowerCase(Locale.ROOT), part.substring(equals + 1).strip());
            }
        }
        Disposition policy = Disposition.parse(tags.get("p")).orElse(Disposition.NONE);
        Disposition subdomainPolicy = Disposition.parse(tags.get("sp")).orElse(policy);
        int percent = 100;
        try {
            percent = Math.max(0, Math.min(100, Integer.parseInt(tags.getOrDefault("pct", "100").strip())));
        } catch (NumberFormatException e) {
            // RFC 7489 6.3: an invalid value is ignored, the default applies
        }
        return new DmarcRecord(policy, subdomainPolicy, percent,
            "s".equalsIgnoreCase(tags.getOrDefault("adkim", "r").strip()),
            "s".equalsIgnoreCase(tags.getOrDefault("aspf", "r").strip()));
    }
}
