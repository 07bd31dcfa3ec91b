package dev.mailwright.smtp.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.jspf.core.SPF1Record;
import org.apache.james.jspf.core.SPFRecordParser;
import org.apache.james.jspf.core.exceptions.PermErrorException;
import org.apache.james.jspf.terms.AllMechanism;
import org.apache.james.jspf.terms.Directive;
import org.junit.jupiter.api.Test;

import com.google.common.base.Ticker;

class SpfRecordCacheTest {
    /** A parser that counts its calls: "broken" records fail, others become one "-all" directive. */
    private final List<String> parsed = new ArrayList<>();
    private final SPFRecordParser counting = text -> {
        parsed.add(text);
        if (text.contains("broken")) {
            throw new PermErrorException("broken record");
        }
        SPF1Record record = new SPF1Record();
        record.getDirectives().add(new Directive("-", new AllMechanism()));
        return record;
    };
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = new Ticker() {
        @Override
        public long read() {
            return nanos.get();
        }
    };

    @Test
    void aRecordTextIsParsedOnce() throws Exception {
        SpfRecordCache cache = new SpfRecordCache(counting, 10, ticker);
        SPF1Record first = cache.parse("v=spf1 -all");
        SPF1Record second = cache.parse("v=spf1 -all");
        assertThat(parsed).containsExactly("v=spf1 -all");
        assertThat(second.getDirectives()).containsExactlyElementsOf(first.getDirectives());
        assertThat(second.getModifiers()).isEmpty();
    }

    @Test
    void theKeyIsTheWholeText() throws Exception {
        SpfRecordCache cache = new SpfRecordCache(counting, 10, ticker);
        cache.parse("v=spf1 -all");
        cache.parse("v=spf1 ip4:192.0.2.1 -all");
        cache.parse("v=spf1 -all");
        assertThat(parsed).containsExactly("v=spf1 -all", "v=spf1 ip4:192.0.2.1 -all");
    }

    @Test
    void eachCallGetsItsOwnRecordSinceJspfPoliciesAppendToIt() throws Exception {
        SpfRecordCache cache = new SpfRecordCache(counting, 10, ticker);
        SPF1Record first = cache.parse("v=spf1 -all");
        first.getModifiers().add(null);
        first.getDirectives().add(new Directive("+", new AllMechanism()));
        SPF1Record second = cache.parse("v=spf1 -all");
        assertThat(second).isNotSameAs(first);
        assertThat(second.getModifiers()).isEmpty();
        assertThat(second.getDirectives()).hasSize(1);
        assertThat(second.getRecord()).isNull();
    }

    @Test
    void aRecordThatFailsToParseIsNotRemembered() {
        SpfRecordCache cache = new SpfRecordCache(counting, 10, ticker);
        assertThatThrownBy(() -> cache.parse("v=spf1 broken")).isInstanceOf(PermErrorException.class);
        assertThatThrownBy(() -> cache.parse("v=spf1 broken")).isInstanceOf(PermErrorException.class);
        assertThat(parsed).hasSize(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void theNumberOfRecordsIsBounded() throws Exception {
        SpfRecordCache cache = new SpfRecordCache(counting, 3, ticker);
        for (int i = 0; i < 20; i++) {
            cache.parse("v=spf1 ip4:192.0.2." + i + " -all");
        }
        assertThat(cache.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void anUnusedRecordIsForgotten() throws Exception {
        SpfRecordCache cache = new SpfRecordCache(counting, 10, ticker);
        cache.parse("v=spf1 -all");
        nanos.addAndGet(SpfRecordCache.UNUSED_FOR.minusSeconds(1).toNanos());
        cache.parse("v=spf1 -all");
        assertThat(parsed).hasSize(1);
        nanos.addAndGet(SpfRecordCache.UNUSED_FOR.plusSeconds(1).toNanos());
        cache.parse("v=spf1 -all");
        assertThat(parsed).hasSize(2);
    }
}
