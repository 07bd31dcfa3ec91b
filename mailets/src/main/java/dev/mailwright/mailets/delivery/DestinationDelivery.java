package dev.mailwright.mailets.delivery;

import java.util.List;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.MaybeSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailets.delivery.nexthop.DeliveryFailure;
import dev.mailwright.mailets.delivery.nexthop.NextHops;
import dev.mailwright.mailets.delivery.smtp.Envelope;
import dev.mailwright.mailets.delivery.smtp.HopFailure;
import dev.mailwright.mailets.delivery.smtp.Peer;
import dev.mailwright.mailets.delivery.smtp.SmtpClient;
import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.SmtpReply;
import dev.mailwright.mailets.routing.Route;

/**
 * One delivery attempt to a {@link Destination}: its peers from the next-hop part, then one transaction with the SMTP
 * client on the first peer that takes it, the next peer when one refuses, times out or fails its TLS policy.
 * Returns one outcome per recipient.
 */
class DestinationDelivery {
    private static final Logger LOGGER = LoggerFactory.getLogger(DestinationDelivery.class);

    private final NextHops nextHops;
    private final SmtpClient client;

    DestinationDelivery(NextHops nextHops, SmtpClient client) {
        this.nextHops = nextHops;
        this.client = client;
    }

    List<RecipientOutcome> deliver(Destination destination, MaybeSender sender, MimeMessage message) {
        Route route = destination.route();
        List<Peer> peers;
        try {
            peers = nextHops.plan(route, destination.domain());
        } catch (DeliveryFailure failure) {
            return SmtpClient.all(destination.recipients(), failure.reply(), Hop.NONE);
        }
        Envelope envelope = new Envelope(sender, destination.recipients(), route.kind() == Route.Kind.LMTP, route.credentials());
        SmtpReply lastFailure = null;
        for (Peer peer : peers) {
            try {
                return client.deliver(peer, envelope, message);
            } catch (HopFailure failure) {
                LOGGER.info("delivery to {} via {} failed, next host: {}", destination.key(), peer.describe(),
                    failure.reply().oneLine());
                lastFailure = failure.reply();
            }
        }
        Peer last = peers.get(peers.size() - 1);
        return SmtpClient.all(destination.recipients(), lastFailure,
            new Hop(last.host(), last.address().getHostAddress(), last.port(), "none", "-", last.tls().decision()));
    }
}
