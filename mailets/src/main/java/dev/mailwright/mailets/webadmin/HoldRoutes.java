package dev.mailwright.mailets.webadmin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.mailet.Mail;
import org.apache.james.lifecycle.api.LifecycleUtil;

import dev.mailwright.mailets.routing.HoldRepositories;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin: mail that {@code hold} routes keep.
 * <ul>
 *   <li>{@code GET /deliveries/hold}: the held mails (repository, name, sender, recipients, subject);</li>
 *   <li>{@code POST /deliveries/hold/{mailName}/release[?processor=outbound]}: back to delivery (204);</li>
 *   <li>{@code DELETE /deliveries/hold/{mailName}}: dropped (204).</li>
 * </ul>
 * A released mail goes to the outbound delivery processor without a route, i.e. to its recipients' MX hosts.
 */
public class HoldRoutes implements Routes {
    static final String BASE = "/deliveries/hold";

    /** A held mail as listed. */
    public record HeldMail(String repository, String name, String sender, List<String> recipients, String subject) {
    }

    private final HoldRepositories holdRepositories;
    private final MailRepositoryStore repositories;
    private final MailQueueFactory<?> queues;
    private final JsonTransformer json;

    @Inject
    public HoldRoutes(HoldRepositories holdRepositories, MailRepositoryStore repositories, MailQueueFactory<?> queues,
                      JsonTransformer json) {
        this.holdRepositories = holdRepositories;
        this.repositories = repositories;
        this.queues = queues;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, (request, response) -> list(), json);
        service.post(BASE + "/:mailName/release", this::release);
        service.delete(BASE + "/:mailName", this::delete);
    }

    private List<HeldMail> list() throws MessagingException {
        List<HeldMail> held = new ArrayList<>();
        for (String url : holdRepositories.urls()) {
            MailRepository repository = repository(url);
            Iterator<MailKey> keys = repository.list();
            while (keys.hasNext()) {
                Mail mail = repository.retrieve(keys.next());
                if (mail != null) {
                    try {
                        held.add(new HeldMail(url, mail.getName(), mail.getMaybeSender().asString(""),
                            mail.getRecipients().stream().map(MailAddress::asString).toList(),
                            Optional.ofNullable(mail.getMessage().getSubject()).orElse("")));
                    } finally {
                        LifecycleUtil.dispose(mail);
                    }
                }
            }
        }
        return held;
    }

    private String release(Request request, Response response) throws MessagingException {
        String processor = Optional.ofNullable(request.queryParams("processor")).filter(p -> !p.isBlank()).orElse("outbound");
        Located located = locate(request.params("mailName"));
        Mail mail = located.repository().retrieve(located.key());
        try {
            mail.setState(processor);
            MailQueue spool = queues.createQueue(MailQueueFactory.SPOOL);
            spool.enQueue(mail);
            located.repository().remove(located.key());
        } finally {
            LifecycleUtil.dispose(mail);
        }
        response.status(204);
        return "";
    }

    private String delete(Request request, Response response) throws MessagingException {
        Located located = locate(request.params("mailName"));
        located.repository().remove(located.key());
        response.status(204);
        return "";
    }

    private record Located(MailRepository repository, MailKey key) {
    }

    private Located locate(String name) throws MessagingException {
        MailKey key = new MailKey(name);
        for (String url : holdRepositories.urls()) {
            MailRepository repository = repository(url);
            Mail mail = repository.retrieve(key);
            if (mail != null) {
                LifecycleUtil.dispose(mail);
                return new Located(repository, key);
            }
        }
        throw ErrorResponder.builder()
            .statusCode(404)
            .type(ErrorResponder.ErrorType.NOT_FOUND)
            .message("no held mail named " + name)
            .haltError();
    }

    private MailRepository repository(String url) throws MessagingException {
        try {
            return repositories.select(MailRepositoryUrl.from(url));
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("cannot open " + url, e);
        }
    }
}
