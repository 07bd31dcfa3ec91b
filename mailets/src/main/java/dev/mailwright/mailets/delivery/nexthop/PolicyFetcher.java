package dev.mailwright.mailets.delivery.nexthop;

import java.io.IOException;

/** Fetches the MTA-STS policy file of a domain ({@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}). */
public interface PolicyFetcher {
    String fetch(String domain) throws IOException;
}
