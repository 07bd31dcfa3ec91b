package dev.mailwright.mailets.dkim;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;

/**
 * One DKIM key of a domain: its selector, algorithm, and where it stands in a rotation. Every key in the store is
 * published in DNS ({@link #recordName()} TXT {@link #record()}); only {@code ACTIVE} keys sign.
 */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, State state, Instant created,
                      PrivateKey privateKey, PublicKey publicKey) {

    public enum State {
        /** Signs outgoing mail. */
        ACTIVE,
        /** Made by a rotation: to be published in DNS now, signs once the rotation completes. */
        NEXT,
        /** Signed until the last rotation: stays published until mail signed with it has been delivered. */
        RETIRED
    }

    /** {@code selector._domainkey.domain}. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record to publish (RFC 6376 3.6.1, RFC 8463 4.2). */
    public String record() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + algorithm.publicKeyData(publicKey);
    }

    DkimKey withState(State newState) {
        return new DkimKey(domain, selector, algorithm, newState, created, privateKey, publicKey);
    }
}
