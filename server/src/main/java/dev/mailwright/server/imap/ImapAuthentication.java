package dev.mailwright.server.imap;

import java.util.Optional;

/**
 * The outcome of one IMAP LOGIN or AUTHENTICATE: who tried from where, and what the server answered.
 *
 * @param client the client's IP address (behind a PROXY-protocol proxy: the original client's)
 * @param user the user name given, when it could be read (LOGIN, AUTHENTICATE PLAIN with an initial response)
 * @param mechanism {@code LOGIN}, or the SASL mechanism of AUTHENTICATE ({@code PLAIN}, {@code OAUTHBEARER}...)
 * @param tls whether the connection was encrypted
 * @param succeeded whether the client is now authenticated
 * @param reply the server's final answer, e.g. {@code NO LOGIN failed. Invalid login/password.}
 */
public record ImapAuthentication(String client, Optional<String> user, String mechanism, boolean tls, boolean succeeded,
                                 String reply) {
}
