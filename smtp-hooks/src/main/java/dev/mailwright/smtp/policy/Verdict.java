package dev.mailwright.smtp.policy;

import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/**
 * What a policy decided about a connection, command or message: accept, refuse for now (4xx, the client retries) or
 * refuse for good (5xx), with the SMTP reply code, the enhanced status code (RFC 3463) and a text. A refusal may also
 * close the connection.
 */
public record Verdict(Kind kind, String code, String status, String text, boolean disconnect) {

    public enum Kind {
        ACCEPT, TEMPFAIL, REJECT;

        /** Lower case, for logs and metric names. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Verdict ACCEPTED = new Verdict(Kind.ACCEPT, "250", "2.0.0", "OK", false);

    public static Verdict accept() {
        return ACCEPTED;
    }

    public static Verdict tempFail(String code, String status, String text) {
        return new Verdict(Kind.TEMPFAIL, requireClass(code, '4'), requireClass(status, '4'), text, false);
    }

    public static Verdict reject(String code, String status, String text) {
        return new Verdict(Kind.REJECT, requireClass(code, '5'), requireClass(status, '5'), text, false);
    }

    /** The same refusal, closing the connection after the reply. */
    public Verdict disconnecting() {
        return new Verdict(kind, code, status, text, true);
    }

    public boolean accepted() {
        return kind == Kind.ACCEPT;
    }

    /** The reply line as the client sees it, e.g. {@code 550 5.7.23 SPF check failed}. */
    public String reply() {
        return code + " " + status + " " + text;
    }

    /**
     * The hook result James turns into this reply. Accepting is {@code DECLINED}, never {@code OK}: the following
     * hooks (relay control, recipient validation, queueing) must still run.
     */
    public HookResult toHookResult() {
        if (accepted()) {
            return HookResult.DECLINED;
        }
        HookReturnCode.Action action = kind == Kind.REJECT ? HookReturnCode.Action.DENY : HookReturnCode.Action.DENYSOFT;
        return HookResult.builder()
            .hookReturnCode(disconnect ? HookReturnCode.disconnected(action) : HookReturnCode.connected(action))
            .smtpReturnCode(code)
            .smtpDescription(status + " " + text)
            .build();
    }

    private static String requireClass(String code, char expected) {
        if (code == null || code.isEmpty() || code.charAt(0) != expected) {
            throw new IllegalArgumentException("expected a " + expected + "xx code, got " + code);
        }
        return code;
    }
}
