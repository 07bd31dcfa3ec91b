package dev.mailwright.mailets.delivery.nexthop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An MTA-STS policy (RFC 8461 section 3.2): mode, the MX host patterns mail may go to, and how long it may be cached.
 * In {@code enforce} mode only matching MX hosts with a valid certificate for their name may receive mail.
 */
public record MtaStsPolicy(Mode mode, List<String> mxPatterns, Duration maxAge) {
    /** RFC 8461 3.2: max_age is at most 31557600 seconds (one year). */
    static final long MAX_AGE_LIMIT = 31_557_600;

    public enum Mode { ENFORCE, TESTING, NONE }

    public MtaStsPolicy {
        mxPatterns = List.copyOf(mxPatterns);
    }

    /** Parses the policy file; throws {@link IllegalArgumentException} for an invalid one (which is then ignored). */
    public static MtaStsPolicy parse(String body) {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String rawLine : body.split("\r?\n")) {
            String line = rawLine.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a key: value line: " + line);
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = value;
                case "mode" -> mode = mode(value);
                case "max_age" -> {
                    if (!value.matches("\\d{1,18}")) {
                        throw new IllegalArgumentException("bad max_age " + value);
                    }
                    maxAge = Math.min(Long.parseLong(value), MAX_AGE_LIMIT);
                }
                case "mx" -> mx.add(value.toLowerCase(Locale.ROOT));
                default -> {
                    // RFC 8461: unknown fields are ignored
                }
            }
        }
        if (!"STSv1".equals(version)) {
            throw new IllegalArgumentException("version must be STSv1");
        }
        if (mode == null || maxAge == null) {
            throw new IllegalArgumentException("mode and max_age are required");
        }
        if (mode != Mode.NONE && mx.isEmpty()) {
            throw new IllegalArgumentException("mx is required unless mode is none");
        }
        return new MtaStsPolicy(mode, mx, Duration.ofSeconds(maxAge));
    }

    private static Mode mode(String value) {
        return switch (value) {
            case "enforce" -> Mode.ENFORCE;
            case "testing" -> Mode.TESTING;
            case "none" -> Mode.NONE;
            default -> throw new IllegalArgumentException("unknown mode " + value);
        };
    }

    /** RFC 8461 4.1: an exact name, or {@code *.example.com} covering exactly one more leftmost label. */
    public boolean allows(String mxHost) {
        String host = mxHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        for (String pattern : mxPatterns) {
            if (pattern.startsWith("*.")) {
                String suffix = pattern.substring(1);
                int dot = host.indexOf('.');
                if (dot > 0 && host.substring(dot).equals(suffix)) {
                    return true;
                }
            } else if (pattern.equals(host)) {
                return true;
            }
        }
        return false;
    }
}
