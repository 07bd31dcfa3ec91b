package dev.mailwright.smtp.spf;

import java.util.Locale;

/** The results of an SPF check (RFC 7208 section 2.6), as they appear in Authentication-Results. */
public enum SpfResult {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

    static SpfResult parse(String jspfResult) {
        try {
            return valueOf(jspfResult.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            // jSPF names every result it can produce; anything else is a bug we do not turn into a rejection
            return NEUTRAL;
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
