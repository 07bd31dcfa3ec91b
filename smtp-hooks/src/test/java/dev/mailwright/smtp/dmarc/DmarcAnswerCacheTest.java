package dev.mailwright.smtp.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.smtp.dmarc.DmarcRecord.Disposition;
import dev.mailwright.smtp.dmarc.DmarcResult.Result;

/** DmarcEvaluator reads each DNS answer once while the DNS cache keeps handing out that same answer. */
class DmarcAnswerCacheTest {
    /** Like our DNS cache: the same answer object for a name until it is replaced. */
    private final Map<String, DnsAnswer> answers = new HashMap<>();
    private final DnsLookup dns = (name, type) -> answers.getOrDefault(name, DnsAnswer.noSuchName());
    private final DmarcEvaluator evaluator = new DmarcEvaluator(dns, () -> 0.5);

    private static DnsAnswer txt(String name, String text) throws Exception {
        return DnsAnswer.found(List.of(new TXTRecord(Name.fromString(name + "."), DClass.IN, 300, text)));
    }

    private DmarcResult evaluate(String domain) {
        return evaluator.evaluate(domain, Optional.empty(), List.of());
    }

    @Test
    void theSameAnswerIsReadOnce() throws Exception {
        answers.put("_dmarc.example.test", txt("_dmarc.example.test", "v=DMARC1; p=reject"));
        for (int i = 0; i < 5; i++) {
            DmarcResult result = evaluate("example.test");
            assertThat(result.result()).isEqualTo(Result.FAIL);
            assertThat(result.disposition()).isEqualTo(Disposition.REJECT);
        }
        assertThat(evaluator.answersRead()).isEqualTo(1);
    }

    @Test
    void aNewAnswerForTheSameNameIsReadAnew() throws Exception {
        answers.put("_dmarc.example.test", txt("_dmarc.example.test", "v=DMARC1; p=reject"));
        assertThat(evaluate("example.test").requested()).isEqualTo(Disposition.REJECT);
        // the DNS cache's entry expired and the domain changed its policy
        answers.put("_dmarc.example.test", txt("_dmarc.example.test", "v=DMARC1; p=quarantine"));
        assertThat(evaluate("example.test").requested()).isEqualTo(Disposition.QUARANTINE);
        answers.remove("_dmarc.example.test");
        assertThat(evaluate("example.test").result()).isEqualTo(Result.NONE);
        assertThat(evaluator.answersRead()).isEqualTo(3);
    }

    @Test
    void aTemporaryFailureIsNotRemembered() {
        answers.put("_dmarc.example.test", DnsAnswer.temporaryFailure("SERVFAIL"));
        assertThat(evaluate("example.test").result()).isEqualTo(Result.TEMPERROR);
        assertThat(evaluate("example.test").result()).isEqualTo(Result.TEMPERROR);
        assertThat(evaluator.answersKnown()).isZero();
    }

    @Test
    void theNumberOfAnswersKeptIsBounded() throws Exception {
        for (int i = 0; i < DmarcEvaluator.MAX_ANSWERS + 200; i++) {
            answers.put("_dmarc.d" + i + ".test", txt("_dmarc.d" + i + ".test", "v=DMARC1; p=none"));
            evaluate("d" + i + ".test");
        }
        assertThat(evaluator.answersKnown()).isLessThanOrEqualTo(DmarcEvaluator.MAX_ANSWERS);
    }
}
