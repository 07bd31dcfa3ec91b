package dev.mailwright.smtp.spf;

import java.time.Duration;

import org.apache.james.jspf.core.SPF1Record;
import org.apache.james.jspf.core.SPFRecordParser;
import org.apache.james.jspf.core.exceptions.NeutralException;
import org.apache.james.jspf.core.exceptions.NoneException;
import org.apache.james.jspf.core.exceptions.PermErrorException;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * jSPF's record parser, remembering the parsed form of each record text: jSPF parses the sender domain's record
 * (and every included one) again on each check, with a regular expression per term, and the same few records come
 * back for most mail. Keyed by the record's text, so a changed record (once our DNS cache lets it through) is
 * parsed anew; bounded in size and forgotten when unused.
 *
 * <p>jSPF's policies append modifiers to the record they are given (the final {@code ?all}, the default
 * explanation), so each call returns a new {@link SPF1Record} holding the cached terms; the terms themselves keep
 * their evaluation state in the SPF session, not in their fields, and are shared. Records that fail to parse are
 * not cached (the parser's exception is thrown each time).
 */
final class SpfRecordCache implements SPFRecordParser {
    static final int MAX_RECORDS = 1_000;
    static final Duration UNUSED_FOR = Duration.ofHours(1);

    private final SPFRecordParser parser;
    private final Cache<String, SPF1Record> parsed;

    SpfRecordCache(SPFRecordParser parser) {
        this(parser, MAX_RECORDS, Ticker.systemTicker());
    }

    SpfRecordCache(SPFRecordParser parser, int maxRecords, Ticker ticker) {
        this.parser = parser;
        this.parsed = CacheBuilder.newBuilder()
            .maximumSize(maxRecords)
            .expireAfterAccess(UNUSED_FOR)
            .ticker(ticker)
            .build();
    }

    @Override
    public SPF1Record parse(String record) throws PermErrorException, NoneException, NeutralException {
        SPF1Record known = parsed.getIfPresent(record);
        if (known == null) {
            known = parser.parse(record);
            parsed.put(record, known);
        }
        return copy(known);
    }

    long size() {
        parsed.cleanUp();
        return parsed.size();
    }

    private static SPF1Record copy(SPF1Record record) {
        SPF1Record copy = record.getRecord() == null ? new SPF1Record() : new SPF1Record(record.getRecord());
        copy.getDirectives().addAll(record.getDirectives());
        copy.getModifiers().addAll(record.getModifiers());
        return copy;
    }
}
