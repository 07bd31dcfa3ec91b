package dev.mailwright.mailets.routing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;

import dev.mailwright.mailets.bounce.Bouncer;
import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.SmtpReply;

/**
 * Decides, per recipient, which route of {@code conf/transport.xml} a mail takes, and splits the mail when its
 * recipients go different ways: outbound routes ({@code mx}, {@code smtp:}, {@code lmtp:}) to the outbound delivery
 * processor with the route attached, {@code local} to the local delivery processor, {@code hold} into the hold
 * repository, {@code reject} back to the sender as a DSN. See mailets/README.md.
 */
public class TransportMapRouter extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(TransportMapRouter.class);
    private static final Set<String> PARAMETERS = ImmutableSet.of("transportMap", "outboundProcessor", "localProcessor",
        "localErrorProcessor", "holdRepository", "reportingMta", "failedRepository");

    private final MailRepositoryStore repositories;
    private final HoldRepositories holdRepositories;
    private TransportMap map;
    private String outboundProcessor;
    private String localProcessor;
    private String localErrorProcessor;
    private String holdRepositoryUrl;
    private Bouncer bouncer;

    @Inject
    public TransportMapRouter(MailRepositoryStore repositories, HoldRepositories holdRepositories) {
        this.repositories = repositories;
        this.holdRepositories = holdRepositories;
    }

    @Override
    public String getMailetInfo() {
        return "Mailwright transport map router";
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        String file = getInitParameterAsOptional("transportMap")
            .orElseThrow(() -> new MessagingException(getMailetName() + ": the transportMap parameter (a file) is required"));
        try {
            map = TransportMap.load(Path.of(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": cannot read the transport map " + file + ": " + e.getMessage(), e);
        }
        outboundProcessor = getInitParameter("outboundProcessor", "outbound");
        localProcessor = getInitParameter("localProcessor", "local-delivery");
        localErrorProcessor = getInitParameter("localErrorProcessor", "local-address-error");
        holdRepositoryUrl = getInitParameter("holdRepository", "memory://var/mail/hold/");
        holdRepositories.announce(holdRepositoryUrl);
        Optional<MailRepository> failedRepository = Optional.empty();
        Optional<String> failedUrl = getInitParameterAsOptional("failedRepository");
        if (failedUrl.isPresent()) {
            try {
                failedRepository = Optional.of(repositories.select(MailRepositoryUrl.from(failedUrl.get())));
            } catch (MailRepositoryStore.MailRepositoryStoreException e) {
                throw new MessagingException(getMailetName() + ": cannot open repository " + failedUrl.get(), e);
            }
        }
        bouncer = new Bouncer(getInitParameter("reportingMta", defaultHostname()), getMailetContext(), failedRepository);
    }

    TransportMap map() {
        return map;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> senderDomain = mail.getMaybeSender().asOptional().map(sender -> sender.getDomain().asString());
        Map<Target, List<MailAddress>> groups = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            Route route = map.routeFor(senderDomain, recipient.getDomain().asString());
            boolean unknownLocal = route.kind() == Route.Kind.LOCAL && !getMailetContext().isLocalEmail(recipient);
            groups.computeIfAbsent(new Target(route, unknownLocal), r -> new ArrayList<>()).add(recipient);
        }
        if (groups.size() == 1) {
            route(mail, groups.keySet().iterator().next(), true);
            return;
        }
        int part = 0;
        for (Map.Entry<Target, List<MailAddress>> group : groups.entrySet()) {
            Mail copy = mail.duplicate();
            try {
                copy.setName(mail.getName() + "-" + (++part));
                copy.setRecipients(group.getValue());
                route(copy, group.getKey(), false);
            } finally {
                LifecycleUtil.dispose(copy);
            }
        }
        mail.setState(Mail.GHOST);
    }

    /**
     * A route, and for {@code local} whether the recipient is no user here (it then goes to the local address error
     * processor: local delivery would create a mailbox for it).
     */
    private record Target(Route route, boolean unknownLocal) {
    }

    /** Sends {@code mail} on its way; {@code inPlace}: it is the processed mail itself (else a copy to send). */
    private void route(Mail mail, Target target, boolean inPlace) throws MessagingException {
        Route route = target.route();
        switch (route.kind()) {
            case LOCAL -> forward(mail, target.unknownLocal() ? localErrorProcessor : localProcessor, inPlace);
            case MX, SMTP, LMTP -> {
                RouteAttribute.set(mail, route);
                forward(mail, outboundProcessor, inPlace);
            }
            case HOLD -> {
                mail.removeAttribute(RouteAttribute.NAME);
                MailRepository repository = holdRepository();
                repository.store(mail);
                LOGGER.info("mail {} for {} held in {}", mail.getName(), mail.getRecipients(), holdRepositoryUrl);
                mail.setState(Mail.GHOST);
            }
            case REJECT -> {
                reject(mail, route);
                mail.setState(Mail.GHOST);
            }
        }
    }

    private void forward(Mail mail, String processor, boolean inPlace) throws MessagingException {
        if (inPlace) {
            mail.setState(processor);
        } else {
            getMailetContext().sendMail(mail, processor);
        }
    }

    private void reject(Mail mail, Route route) throws MessagingException {
        String reply = route.reply();
        SmtpReply refusal = SmtpReply.local(Integer.parseInt(reply.substring(0, 3)), reply.substring(4, reply.indexOf(' ', 4)),
            reply.substring(reply.indexOf(' ', 4) + 1));
        LOGGER.info("mail {} to {} rejected by the transport map: {}", mail.getName(), mail.getRecipients(), reply);
        List<RecipientOutcome> outcomes = mail.getRecipients().stream()
            .map(recipient -> RecipientOutcome.of(recipient, refusal, Hop.NONE))
            .toList();
        bouncer.failed(mail, outcomes, Instant.now());
    }

    private MailRepository holdRepository() throws MessagingException {
        try {
            return repositories.select(MailRepositoryUrl.from(holdRepositoryUrl));
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("cannot open the hold repository " + holdRepositoryUrl, e);
        }
    }

    private static String defaultHostname() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
