package dev.mailwright.smtp.spf;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.IPAddr;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;

/**
 * jSPF's view of DNS, answered by our {@link DnsLookup} (configured resolver, deadline, cache), with a time budget
 * for a whole SPF evaluation: an evaluation that follows includes and redirects up to the RFC limit of 10 lookups
 * must still end in bounded time, as a temperror. jSPF's synchronous executor runs on the calling thread, so the
 * budget is kept per thread.
 */
final class SpfDnsService implements DNSService {
    private final DnsLookup dns;
    private final ThreadLocal<Instant> deadline = new ThreadLocal<>();
    private int recordLimit = 10;

    SpfDnsService(DnsLookup dns) {
        this.dns = dns;
    }

    void startBudget(Duration budget) {
        deadline.set(Instant.now().plus(budget));
    }

    void endBudget() {
        deadline.remove();
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        if (request.getRecordType() == DNSRequest.SPF) {
            // jSPF (RFC 4408) asks for the SPF record type first; RFC 7208 3.1 retired it: records are TXT only.
            // Answering "none" here saves a DNS round trip per check, on the SMTP network thread.
            return null;
        }
        Instant until = deadline.get();
        if (until != null && Instant.now().isAfter(until)) {
            throw new TimeoutException("SPF evaluation took too long");
        }
        DnsAnswer answer = dns.lookup(request.getHostname(), dnsType(request.getRecordType()));
        if (answer.isTemporaryFailure()) {
            throw new TimeoutException(answer.problem());
        }
        if (answer.records().isEmpty()) {
            return null; // jSPF's "no such records"
        }
        List<Record> records = answer.records();
        if (recordLimit > 0 && (request.getRecordType() == DNSRequest.MX || request.getRecordType() == DNSRequest.PTR)
            && records.size() > recordLimit) {
            records = records.subList(0, recordLimit);
        }
        return records.stream().map(SpfDnsService::asText).toList();
    }

    private static int dnsType(int spfRequestType) {
        return switch (spfRequestType) {
            case DNSRequest.A -> Type.A;
            case DNSRequest.AAAA -> Type.AAAA;
            case DNSRequest.MX -> Type.MX;
            case DNSRequest.PTR -> Type.PTR;
            default -> Type.TXT;
        };
    }

    private static String asText(Record record) {
        if (record instanceof ARecord a) {
            return a.getAddress().getHostAddress();
        }
        if (record instanceof AAAARecord aaaa) {
            return aaaa.getAddress().getHostAddress();
        }
        if (record instanceof MXRecord mx) {
            return mx.getTarget().toString();
        }
        if (record instanceof PTRRecord ptr) {
            return IPAddr.stripDot(ptr.getTarget().toString());
        }
        if (record instanceof TXTRecord txt) {
            return String.join("", txt.getStrings());
        }
        return record.rdataToString();
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of();
    }

    @Override
    public void setTimeOut(int timeOut) {
        // the deadline of DnsLookup and the evaluation budget apply instead
    }

    @Override
    public int getRecordLimit() {
        return recordLimit;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        this.recordLimit = recordLimit;
    }
}
