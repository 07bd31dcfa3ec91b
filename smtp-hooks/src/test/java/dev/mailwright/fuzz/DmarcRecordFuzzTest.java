package dev.mailwright.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.smtp.dmarc.DmarcEvaluator;
import dev.mailwright.smtp.dmarc.DmarcResult;
import dev.mailwright.common.dns.DnsAnswer;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class DmarcRecordFuzzTest {
    /** A DMARC record as DNS could give it, evaluated for an author domain: a result, whatever the text. */
    @FuzzTest(maxDuration = "10s")
    void dmarcRecordFromDns(FuzzedDataProvider data) {
        String domain = data.consumeString(80);
        String record = data.consumeRemainingAsString();
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < record.length(); i += 200) {
            strings.add(record.substring(i, Math.min(record.length(), i + 200)));
        }
        DmarcEvaluator evaluator = new DmarcEvaluator((name, type) -> {
            try {
                return DnsAnswer.found(List.of(new TXTRecord(Name.fromString(name.endsWith(".") ? name : name + "."), DClass.IN, 0, strings)));
            } catch (TextParseException | IllegalArgumentException unrepresentable) {
                return DnsAnswer.noRecords();
            }
        }, () -> 0.5);
        DmarcResult result = evaluator.evaluate(domain, Optional.empty(), List.of());
        if (result == null || result.result() == null) {
            throw new IllegalStateException("no DMARC result");
        }
    }
}
