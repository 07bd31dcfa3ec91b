package dev.mailwright.common.dns;

import java.util.List;

import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * The answer to one DNS question: records found, no such records (the name exists but has none of that type), no
 * such name (NXDOMAIN), or a temporary failure (timeout, SERVFAIL, a DNSSEC-bogus answer: ask again later).
 * {@code secure} says that the answer was DNSSEC-validated (the resolver of {@code conf/dnsservice.xml} validates or
 * is trusted to); DANE only acts on secure answers.
 */
public record DnsAnswer(Status status, List<Record> records, String problem, boolean secure) {

    public enum Status { FOUND, NO_RECORDS, NO_SUCH_NAME, TEMPORARY_FAILURE }

    public DnsAnswer {
        records = List.copyOf(records);
    }

    public static DnsAnswer found(List<Record> records) {
        return new DnsAnswer(Status.FOUND, records, null, false);
    }

    public static DnsAnswer noRecords() {
        return new DnsAnswer(Status.NO_RECORDS, List.of(), null, false);
    }

    public static DnsAnswer noSuchName() {
        return new DnsAnswer(Status.NO_SUCH_NAME, List.of(), null, false);
    }

    public static DnsAnswer temporaryFailure(String problem) {
        return new DnsAnswer(Status.TEMPORARY_FAILURE, List.of(), problem, false);
    }

    /** The same answer, DNSSEC-validated or not. */
    public DnsAnswer withSecure(boolean isSecure) {
        return new DnsAnswer(status, records, problem, isSecure);
    }

    public boolean isTemporaryFailure() {
        return status == Status.TEMPORARY_FAILURE;
    }

    /** A definite "nothing": the name does not exist or has no record of the type asked. */
    public boolean isEmpty() {
        return status == Status.NO_RECORDS || status == Status.NO_SUCH_NAME;
    }

    /** The TXT records, each as its character strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2). */
    public List<String> texts() {
        return records.stream()
            .filter(TXTRecord.class::isInstance)
            .map(record -> String.join("", ((TXTRecord) record).getStrings()))
            .toList();
    }
}
