package dev.mailwright.smtp.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.mailwright.common.dns.FakeDns;
import dev.mailwright.smtp.dkim.DkimResult;
import dev.mailwright.smtp.dmarc.DmarcRecord.Disposition;
import dev.mailwright.smtp.dmarc.DmarcResult.Result;
import dev.mailwright.smtp.spf.SpfOutcome;
import dev.mailwright.smtp.spf.SpfResult;

class DmarcEvaluatorTest {
    private final FakeDns dns = new FakeDns()
        .txt("_dmarc.strict.test", "v=DMARC1; p=reject")
        .txt("_dmarc.quarantined.test", "v=DMARC1; p=quarantine; sp=reject")
        .txt("_dmarc.sampled.test", "v=DMARC1; p=reject; pct=30")
        .txt("_dmarc.aligned.test", "v=DMARC1; p=reject; adkim=s; aspf=s")
        .txt("_dmarc.monitor.test", "v=DMARC1; p=none; rua=mailto:reports@monitor.test")
        .txt("_dmarc.twice.test", "v=DMARC1; p=reject", "v=DMARC1; p=none")
        .txt("_dmarc.nopolicy.test", "v=DMARC1; rua=mailto:x@nopolicy.test")
        .txt("_dmarc.notdmarc.test", "v=spf1 -all")
        .failing("_dmarc.down.test");
    private double random = 0.5;
    private final DmarcEvaluator evaluator = new DmarcEvaluator(dns, () -> random);

    private static Optional<SpfOutcome> spf(SpfResult result, String domain) {
        return Optional.of(new SpfOutcome(result, "mailfrom", domain, ""));
    }

    private static List<DkimResult> dkim(DkimResult.Result result, String domain) {
        return List.of(new DkimResult(result, domain, "s1", "AAAA", ""));
    }

    @Test
    void alignedSpfPassPasses() {
        DmarcResult result = evaluator.evaluate("strict.test", spf(SpfResult.PASS, "bounces.strict.test"), List.of());

        assertThat(result.result()).isEqualTo(Result.PASS);
        assertThat(result.disposition()).isEqualTo(Disposition.NONE);
        assertThat(result.requested()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void alignedDkimPassPasses() {
        assertThat(evaluator.evaluate("strict.test", spf(SpfResult.FAIL, "strict.test"), dkim(DkimResult.Result.PASS, "mail.strict.test")).result())
            .isEqualTo(Result.PASS);
    }

    @Test
    void authenticationOfAnotherDomainDoesNotCount() {
        DmarcResult result = evaluator.evaluate("strict.test", spf(SpfResult.PASS, "elsewhere.test"), dkim(DkimResult.Result.PASS, "elsewhere.test"));

        assertThat(result.result()).isEqualTo(Result.FAIL);
        assertThat(result.disposition()).isEqualTo(Disposition.REJECT);
    }

    @Test
    void aFailedSignatureOfTheDomainDoesNotCount() {
        assertThat(evaluator.evaluate("strict.test", Optional.empty(), dkim(DkimResult.Result.FAIL, "strict.test")).result())
            .isEqualTo(Result.FAIL);
    }

    @Test
    void strictAlignmentNeedsTheExactName() {
        assertThat(evaluator.evaluate("aligned.test", spf(SpfResult.PASS, "bounces.aligned.test"), dkim(DkimResult.Result.PASS, "mail.aligned.test")).result())
            .isEqualTo(Result.FAIL);
        assertThat(evaluator.evaluate("aligned.test", Optional.empty(), dkim(DkimResult.Result.PASS, "aligned.test")).result())
            .isEqualTo(Result.PASS);
    }

    @Test
    void aSubdomainWithoutItsOwnRecordGetsTheOrganizationalDomainsSubdomainPolicy() {
        DmarcResult result = evaluator.evaluate("news.quarantined.test", Optional.empty(), List.of());

        assertThat(result.requested()).isEqualTo(Disposition.REJECT);
        assertThat(dns.questions()).containsExactly("_dmarc.news.quarantined.test TXT", "_dmarc.quarantined.test TXT");
        assertThat(evaluator.evaluate("quarantined.test", Optional.empty(), List.of()).disposition()).isEqualTo(Disposition.QUARANTINE);
    }

    @Test
    void pctSamplesWhichFailingMessagesGetThePolicyTheOthersTheNextLesserOne() {
        random = 0.29;
        assertThat(evaluator.evaluate("sampled.test", Optional.empty(), List.of()).disposition()).isEqualTo(Disposition.REJECT);
        random = 0.30;
        assertThat(evaluator.evaluate("sampled.test", Optional.empty(), List.of()).disposition()).isEqualTo(Disposition.QUARANTINE);
    }

    @Test
    void noRecordIsNone() {
        DmarcResult result = evaluator.evaluate("unknown.test", Optional.empty(), List.of());

        assertThat(result.result()).isEqualTo(Result.NONE);
        assertThat(result.disposition()).isEqualTo(Disposition.NONE);
        assertThat(evaluator.evaluate("notdmarc.test", Optional.empty(), List.of()).result()).isEqualTo(Result.NONE);
        assertThat(evaluator.evaluate("twice.test", Optional.empty(), List.of()).result()).as("two records count as none").isEqualTo(Result.NONE);
    }

    @Test
    void monitoringPoliciesFailWithoutConsequence() {
        DmarcResult result = evaluator.evaluate("monitor.test", Optional.empty(), List.of());

        assertThat(result.result()).isEqualTo(Result.FAIL);
        assertThat(result.disposition()).isEqualTo(Disposition.NONE);
        assertThat(evaluator.evaluate("nopolicy.test", Optional.empty(), List.of()).disposition()).isEqualTo(Disposition.NONE);
    }

    @Test
    void aDnsFailureIsATemperror() {
        assertThat(evaluator.evaluate("down.test", Optional.empty(), List.of()).result()).isEqualTo(Result.TEMPERROR);
    }

    @Test
    void recordTagsAreParsedLeniently() {
        DmarcRecord record = DmarcRecord.parse("v=DMARC1;p=Quarantine ; pct=abc; adkim=s");

        assertThat(record).isEqualTo(new DmarcRecord(Disposition.QUARANTINE, Disposition.QUARANTINE, 100, true, false));
        assertThat(DmarcRecord.isDmarc("v=DMARC1")).isTrue();
        assertThat(DmarcRecord.isDmarc("p=reject; v=DMARC1")).isFalse();
    }
}
