package dev.mailwright.smtp.log;

/**
 * Values a client chose (user names, senders, HELO names), made safe to write in a log line that fail2ban or a SIEM
 * reads: no control character can start a forged line, and a value with spaces is quoted.
 */
public final class LogValues {
    private LogValues() {
    }

    /** Control characters (a line break in a base64-decoded user name...) become '?'. */
    public static String clean(String value) {
        StringBuilder cleaned = new StringBuilder(value.length());
        value.codePoints().forEach(c -> cleaned.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return cleaned.toString();
    }

    /** {@link #clean(String)}, in double quotes when empty or holding a space or a quote. */
    public static String quoteIfNeeded(String value) {
        String cleaned = clean(value);
        return cleaned.isEmpty() || cleaned.contains(" ") || cleaned.contains("\"")
            ? "\"" + cleaned.replace('"', '\'') + "\"" : cleaned;
    }
}
