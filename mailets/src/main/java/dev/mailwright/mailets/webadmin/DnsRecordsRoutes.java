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
import dev.mailwright.mailets.dkim.DkimKeyStore;
import dev.mailwright.mailets.dns.DnsRecord;
import dev.mailwright.mailets.dns.MailDomainRecords;
import dev.mailwright.mailets.dns.MailServerName;
import dev.mailwright.mailets.dns.RecordCheck;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin: the DNS records a local domain needs ({@code ./mailwright admin dns DOMAIN [--check]}).
 * <ul>
 *   <li>{@code GET /dns/records/{domain}}: MX, the MX host, SPF, every DKIM selector, DMARC, MTA-STS policy host and
 *       TXT, TLS-RPT ({@code purpose}, {@code name}, {@code type}, {@code value}, {@code note});</li>
 *   <li>{@code ?check=true}: each compared with what the server's resolver answers ({@code status}: {@code ok},
 *       {@code missing}, {@code different}, {@code dns-failure}; {@code found});</li>
 *   <li>{@code ?host=NAME}: another MX host than this server's name;</li>
 *   <li>{@code ?format=text}: one zone-file line per record (with {@code check}, prefixed by the status).</li>
 * </ul>
 */
public class DnsRecordsRoutes implements Routes {
    static final String BASE = "/dns/records";

    /** A record with its check. */
    public record Checked(String purpose, String name, String type, String value, String note, String status,
                          List<String> found, String problem) {
    }

    private final DkimKeyStore keys;
    private final DomainList domains;
    private final DnsLookup dns;
    private final MailServerName serverName;
    private final JsonTransformer json;

    @Inject
    public DnsRecordsRoutes(DkimKeyStore keys, DomainList domains, DnsLookup dns, MailServerName serverName, JsonTransformer json) {
        this.keys = keys;
        this.domains = domains;
        this.dns = dns;
        this.serverName = serverName;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE + "/:domain", this::records);
    }

    private Object records(Request request, Response response) throws Exception {
        String domain = localDomain(request.params("domain"));
        String host = Optional.ofNullable(request.queryParams("host")).filter(h -> !h.isBlank()).orElse(serverName.get());
        List<DnsRecord> records = MailDomainRecords.of(domain, host, keys.keys(domain));
        boolean check = "true".equals(request.queryParams("check"));
        boolean text = DkimRoutes.text(request);
        if (!check) {
            if (text) {
                response.type("text/plain");
                StringBuilder out = new StringBuilder("; DNS records of " + domain + " (mail host " + host + ")\n");
                records.forEach(record -> out.append(record.zoneLine()).append("\n;   ").append(record.note()).append('\n'));
                return out.toString();
            }
            return json.render(records);
        }
        List<RecordCheck.Verdict> verdicts = new RecordCheck(dns).check(records);
        if (text) {
            response.type("text/plain");
            StringBuilder out = new StringBuilder();
            verdicts.forEach(verdict -> out.append(verdict.line()).append('\n'));
            return out.toString();
        }
        return json.render(verdicts.stream().map(verdict -> new Checked(verdict.record().purpose(), verdict.record().name(),
            verdict.record().type(), verdict.record().value(), verdict.record().note(),
            verdict.status().name().toLowerCase(Locale.ROOT).replace('_', '-'), verdict.found(), verdict.problem())).toList());
    }

    private String localDomain(String name) throws DomainListException {
        Domain domain;
        try {
            domain = Domain.of(name);
        } catch (IllegalArgumentException e) {
            throw DkimRoutes.badRequest("'" + name + "' is not a domain name");
        }
        if (!domains.containsDomain(domain)) {
            throw ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND)
                .message(name + " is not a local domain").haltError();
        }
        return domain.asString();
    }
}
