package dev.mailwright.smtp.spf;

import java.time.Duration;

import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;

import dev.mailwright.common.dns.DnsLookup;

/**
 * Evaluates SPF (RFC 7208: mechanisms, include, redirect, macros, the limit of 10 DNS-querying terms) with jSPF.
 * jSPF's default asynchronous executor returns before its lookups complete (JAMES-3920), so the synchronous one is
 * wired here, on our DNS, with parsed records remembered ({@link SpfRecordCache}).
 */
public final class SpfChecker {
    private final SpfDnsService dns;
    private final SPF spf;
    private final Duration budget;

    public SpfChecker(DnsLookup dnsLookup, Duration budget) {
        this.dns = new SpfDnsService(dnsLookup);
        this.budget = budget;
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dns);
        MacroExpand macroExpand = new MacroExpand(dns);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        SpfRecordCache parser = new SpfRecordCache(new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)));
        this.spf = new SPF(dns, parser, macroExpand, new SynchronousSPFExecutor(dns));
        wiring.put(SPFCheckEnabled.class, spf);
        // no made-up explanation (jSPF's default points at a defunct web site): only the domain's own exp=
        spf.setDefaultExplanation("");
    }

    /**
     * Checks the client {@code ip} for the envelope sender {@code mailFrom}, or for {@code helo} when the sender is
     * null (empty string).
     */
    public SpfOutcome check(String ip, String mailFrom, String helo) {
        String identity = mailFrom.isEmpty() ? "helo" : "mailfrom";
        String domain = mailFrom.isEmpty() ? helo : mailFrom.substring(mailFrom.lastIndexOf('@') + 1);
        dns.startBudget(budget);
        try {
            SPFResult result = spf.checkSPF(ip, mailFrom, helo);
            return new SpfOutcome(SpfResult.parse(result.getResult()), identity, domain, printable(result.getExplanation()));
        } finally {
            dns.endBudget();
        }
    }

    /** A published explanation is text from DNS: keep printable ASCII only, and not too much of it. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < text.length() && safe.length() < 200; i++) {
            char c = text.charAt(i);
            safe.append(c >= ' ' && c < 127 ? c : ' ');
        }
        return safe.toString().strip();
    }
}
