package dev.mailwright.server.sieve;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.managesieve.api.Session;
import org.apache.james.managesieve.api.commands.CoreCommands;
import org.apache.james.managesieve.core.CoreProcessor;
import org.apache.james.managesieve.transcode.NotEnoughDataException;

/**
 * James's ManageSieve commands, with TLS before authentication (RFC 5804 section 2.1: a server should not allow
 * PLAIN over an unencrypted connection). James 3.8.1 accepts {@code AUTHENTICATE "PLAIN"} in clear text; here it is
 * answered {@code NO (ENCRYPT-NEEDED)} until STARTTLS, and the capability list names no SASL mechanism before TLS, so
 * clients start TLS first (as RFC 5804 section 1.7 lets a server do).
 */
public class TlsFirstManageSieve implements CoreCommands {
    private static final Pattern INITIAL_RESPONSE_LITERAL = Pattern.compile("(\\S+)\\s+\\{(\\d{1,6})\\+?}\\s*(.*)", Pattern.DOTALL);
    static final String ENCRYPT_NEEDED = "NO (ENCRYPT-NEEDED) \"Start TLS (STARTTLS) before AUTHENTICATE\"";

    private final CoreProcessor core;

    public TlsFirstManageSieve(CoreProcessor core) {
        this.core = core;
    }

    @Override
    public String chooseMechanism(Session session, String mechanism) {
        if (!session.isSslEnabled()) {
            return ENCRYPT_NEEDED;
        }
        Matcher literal = INITIAL_RESPONSE_LITERAL.matcher(mechanism);
        if (!literal.matches()) {
            return core.chooseMechanism(session, mechanism);
        }
        // AUTHENTICATE "PLAIN" {44+} CRLF <initial response>: the form sieve-connect and other clients send (RFC 5804
        // section 2.1); James 3.8.1 would answer the literal marker with a challenge and lose step with the client.
        // The line handler keeps what it has and calls again with the next line when told there is not enough yet.
        int length = Integer.parseInt(literal.group(2));
        String data = literal.group(3).strip();
        if (data.length() < length) {
            throw new NotEnoughDataException();
        }
        String chosen = core.chooseMechanism(session, literal.group(1));
        if (session.getState() != Session.State.AUTHENTICATION_IN_PROGRESS) {
            return chosen;
        }
        return core.authenticate(session, data.substring(0, length));
    }

    @Override
    public String authenticate(Session session, String suppliedData) {
        if (!session.isSslEnabled()) {
            session.setState(Session.State.UNAUTHENTICATED);
            return ENCRYPT_NEEDED;
        }
        return core.authenticate(session, suppliedData);
    }

    @Override
    public String capability(Session session) {
        return session.isSslEnabled() ? core.capability(session) : withoutSasl(core.capability(session));
    }

    @Override
    public String getAdvertisedCapabilities() {
        // the greeting, always before TLS on a STARTTLS port
        return withoutSasl(core.getAdvertisedCapabilities());
    }

    static String withoutSasl(String capabilities) {
        return capabilities.replaceAll("(?m)^\"SASL\" \"[^\"]*\"", "\"SASL\" \"\"");
    }

    @Override
    public String checkScript(Session session, String content) {
        return core.checkScript(session, content);
    }

    @Override
    public String deleteScript(Session session, String name) {
        return core.deleteScript(session, name);
    }

    @Override
    public String getScript(Session session, String name) {
        return core.getScript(session, name);
    }

    @Override
    public String haveSpace(Session session, String name, long size) {
        return core.haveSpace(session, name, size);
    }

    @Override
    public String listScripts(Session session) {
        return core.listScripts(session);
    }

    @Override
    public String putScript(Session session, String name, String content) {
        return core.putScript(session, name, content);
    }

    @Override
    public String renameScript(Session session, String oldName, String newName) {
        return core.renameScript(session, oldName, newName);
    }

    @Override
    public String setActive(Session session, String name) {
        return core.setActive(session, name);
    }

    @Override
    public String noop(String tag) {
        return core.noop(tag);
    }

    @Override
    public String unauthenticate(Session session) {
        return core.unauthenticate(session);
    }

    @Override
    public void logout() throws org.apache.james.managesieve.api.SessionTerminatedException {
        core.logout();
    }

    @Override
    public String startTLS(Session session) {
        return core.startTLS(session);
    }
}
