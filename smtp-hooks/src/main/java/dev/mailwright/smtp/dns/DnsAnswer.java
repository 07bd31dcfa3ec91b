package dev.mailwright.smtp.dns;

import java.util.List;

import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * The answer to one DNS question: records found, no such records (NXDOMAIN or no data: a definite "no"), or a
 * temporary failure (timeout, SERVFAIL: ask again later).
 */
public record DnsAnswer(Status status, List<Record> records, String problem) {

    public enum Status { FOUND, NO_RECORDS, TEMPORARY_FAILURE }

    public static DnsAnswer found(List<Record> records) {
        return new DnsAnswer(Status.FOUND, List.copyOf(records), null);
    }

    public static DnsAnswer noRecords() {
        return new DnsAnswer(Status.NO_RECORDS, List.of(), null);
    }

    public static DnsAnswer temporaryFailure(String problem) {
        return new DnsAnswer(Status.TEMPORARY_FAILURE, List.of(), problem);
    }

    public boolean isTemporaryFailure() {
        return status == Status.TEMPORARY_FAILURE;
    }

    /** The TXT records, each as its character strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2). */
    public List<String> texts() {
        return records.stream()
            .filter(TXTRecord.class::isInstance)
            .map(record -> String.join("", ((TXTRecord) record).getStrings()))
            .toList();
    }
}
