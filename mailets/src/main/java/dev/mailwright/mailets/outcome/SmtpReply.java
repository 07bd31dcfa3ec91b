package dev.mailwright.mailets.outcome;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reply of a remote SMTP or LMTP server, or one we make up ({@code ours}) for a failure that had no reply, such as
 * a refused connection or a DNS answer; with its RFC 3463 status: the enhanced code the server gave, or one derived from the reply class.
 */
public record SmtpReply(int code, List<String> lines, boolean ours) {
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$)");

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    /** A reply the remote server sent. */
    public SmtpReply(int code, List<String> lines) {
        this(code, lines, false);
    }

    /** A reply of our own, e.g. {@code local(451, "4.4.1", "connection refused by mx.example.org[192.0.2.1]")}. */
    public static SmtpReply local(int code, String status, String text) {
        return new SmtpReply(code, List.of(status + " " + text), true);
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** The RFC 3463 status, e.g. {@code 5.1.1}: the server's own when its class agrees with the reply code. */
    public String status() {
        if (!lines.isEmpty()) {
            Matcher matcher = ENHANCED.matcher(lines.get(0));
            if (matcher.find() && matcher.group(1).charAt(0) == Integer.toString(code).charAt(0)) {
                return matcher.group(0);
            }
        }
        return isPositive() ? "2.0.0" : isTransient() ? "4.0.0" : "5.0.0";
    }

    /** The whole reply on one line, as in a log line or a {@code Diagnostic-Code} field. */
    public String oneLine() {
        return code + " " + String.join(" ", lines).replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    @Override
    public String toString() {
        return oneLine();
    }
}
