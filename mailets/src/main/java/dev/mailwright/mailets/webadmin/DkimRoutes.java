package dev.mailwright.mailets.webadmin;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.mailets.dkim.DkimAlgorithm;
import dev.mailwright.mailets.dkim.DkimKey;
import dev.mailwright.mailets.dkim.DkimKeyStore;
import dev.mailwright.mailets.dns.RecordCheck;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin: the DKIM keys of the local domains ({@code ./mailwright admin dkim ...}).
 * <ul>
 *   <li>{@code GET /dkim/{domain}}: the keys (selector, algorithm, state, created, the TXT record to publish);</li>
 *   <li>{@code POST /dkim/{domain}[?algorithm=rsa|ed25519]}: a key of that algorithm (RSA by default) unless the
 *       domain has one; Ed25519 makes a second signature on every mail of the domain;</li>
 *   <li>{@code POST /dkim/{domain}/rotate[?force=true]}: first call, new keys to publish (they do not sign yet);
 *       second call, once their records are in DNS (checked through the server's resolver unless forced), they sign
 *       and the old keys are retired (keep their records a few days, then remove them);</li>
 *   <li>{@code DELETE /dkim/{domain}/{selector}}: drops a retired key (204).</li>
 * </ul>
 * {@code ?format=text} answers one line per key or step, for the command line.
 */
public class DkimRoutes implements Routes {
    static final String BASE = "/dkim";

    /** A key as listed (no private part). */
    public record Key(String selector, String algorithm, String state, String created, String recordName, String record) {
        static Key of(DkimKey key) {
            return new Key(key.selector(), key.algorithm().keyType(), key.state().name().toLowerCase(Locale.ROOT),
                key.created().toString(), key.recordName(), key.record());
        }

        String line() {
            return String.format("%-12s %-8s %-8s %s  %s. TXT \"%s\"", selector, algorithm, state, created, recordName, record);
        }
    }

    /** What a rotation step did. */
    public record Rotation(String step, String message, List<Key> keys) {
    }

    private final DkimKeyStore store;
    private final DomainList domains;
    private final DnsLookup dns;
    private final JsonTransformer json;

    @Inject
    public DkimRoutes(DkimKeyStore store, DomainList domains, DnsLookup dns, JsonTransformer json) {
        this.store = store;
        this.domains = domains;
        this.dns = dns;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE + "/:domain", this::list);
        service.post(BASE + "/:domain", this::generate);
        service.post(BASE + "/:domain/rotate", this::rotate);
        service.delete(BASE + "/:domain/:selector", this::remove);
    }

    private Object list(Request request, Response response) throws Exception {
        return keys(request, response, store.keys(localDomain(request)));
    }

    private Object generate(Request request, Response response) throws Exception {
        String domain = localDomain(request);
        DkimAlgorithm algorithm;
        try {
            algorithm = DkimAlgorithm.parse(Optional.ofNullable(request.queryParams("algorithm")).orElse("rsa"));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
        return keys(request, response, store.generate(domain, algorithm));
    }

    private Object rotate(Request request, Response response) throws Exception {
        String domain = localDomain(request);
        List<DkimKey> keys = store.keys(domain);
        List<DkimKey> next = keys.stream().filter(key -> key.state() == DkimKey.State.NEXT).toList();
        Rotation rotation;
        if (next.isEmpty()) {
            List<DkimKey> created = store.prepareRotation(domain);
            if (created.isEmpty()) {
                throw conflict(domain + " has no active DKIM key to rotate (generate one first)");
            }
            rotation = new Rotation("prepared", "publish the records of the new selectors, then rotate again: they sign "
                + "once the DNS shows them; until then the current keys sign", created.stream().map(Key::of).toList());
        } else {
            if (!"true".equals(request.queryParams("force"))) {
                RecordCheck check = new RecordCheck(dns);
                List<String> unpublished = next.stream()
                    .filter(key -> check.dkim(key).status() != RecordCheck.Status.OK)
                    .map(DkimKey::recordName).toList();
                if (!unpublished.isEmpty()) {
                    throw conflict("the DNS does not show " + String.join(", ", unpublished) + " yet (publish the records "
                        + "of GET /dkim/" + domain + ", wait for them, or force)");
                }
            }
            List<DkimKey> after = store.completeRotation(domain);
            rotation = new Rotation("completed", "the new selectors sign; keep the records of the retired ones published "
                + "a few days (mail signed with them may still be on its way), then remove them",
                after.stream().map(Key::of).toList());
        }
        if (text(request)) {
            response.type("text/plain");
            StringBuilder out = new StringBuilder(rotation.step()).append(": ").append(rotation.message()).append('\n');
            rotation.keys().forEach(key -> out.append(key.line()).append('\n'));
            return out.toString();
        }
        return json.render(rotation);
    }

    private Object remove(Request request, Response response) throws Exception {
        String domain = localDomain(request);
        try {
            store.remove(domain, request.params("selector"));
        } catch (IllegalArgumentException e) {
            throw ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND).message(e.getMessage()).haltError();
        } catch (IllegalStateException e) {
            throw conflict(e.getMessage());
        }
        response.status(204);
        return "";
    }

    private Object keys(Request request, Response response, List<DkimKey> keys) throws Exception {
        List<Key> listed = keys.stream().map(Key::of).toList();
        if (text(request)) {
            response.type("text/plain");
            StringBuilder out = new StringBuilder();
            listed.forEach(key -> out.append(key.line()).append('\n'));
            return out.toString();
        }
        return json.render(listed);
    }

    private String localDomain(Request request) throws DomainListException {
        String name = request.params("domain");
        Domain domain;
        try {
            domain = Domain.of(name);
        } catch (IllegalArgumentException e) {
            throw badRequest("'" + name + "' is not a domain name");
        }
        if (!domains.containsDomain(domain)) {
            throw ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND)
                .message(name + " is not a local domain").haltError();
        }
        return domain.asString();
    }

    static boolean text(Request request) {
        return "text".equals(request.queryParams("format"));
    }

    static RuntimeException badRequest(String message) {
        return ErrorResponder.builder().statusCode(400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT).message(message).haltError();
    }

    static RuntimeException conflict(String message) {
        return ErrorResponder.builder().statusCode(409).type(ErrorResponder.ErrorType.WRONG_STATE).message(message).haltError();
    }
}
