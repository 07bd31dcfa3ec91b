package dev.mailwright.common.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNS answers for unit tests: records by name and type (a name without any record does not exist: NXDOMAIN; a known
 * name without the type asked: no records), names that fail temporarily, names whose answers are DNSSEC-secure, and
 * the questions asked.
 */
public class FakeDns implements DnsLookup {
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Set<String> secureZones = ConcurrentHashMap.newKeySet();
    private final List<String> questions = new CopyOnWriteArrayList<>();

    public FakeDns txt(String name, String... texts) {
        for (String text : texts) {
            // long texts in 255-character strings, as in a zone file
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 255) {
                strings.add(text.substring(i, Math.min(text.length(), i + 255)));
            }
            add(new TXTRecord(name(name), DClass.IN, 300, strings));
        }
        return this;
    }

    public FakeDns a(String name, String ip) {
        try {
            return add(new ARecord(name(name), DClass.IN, 300, InetAddress.getByName(ip)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    public FakeDns aaaa(String name, String ip) {
        try {
            return add(new AAAARecord(name(name), DClass.IN, 300, InetAddress.getByName(ip)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    public FakeDns mx(String name, int preference, String host) {
        return add(new MXRecord(name(name), DClass.IN, 300, preference, name(host)));
    }

    /** RFC 7505: "this domain accepts no mail". */
    public FakeDns nullMx(String name) {
        return add(new MXRecord(name(name), DClass.IN, 300, 0, Name.root));
    }

    /** Makes {@code name} exist without records of its own (questions about it get "no records", not NXDOMAIN). */
    public FakeDns exists(String name) {
        names.add(normalized(name));
        return this;
    }

    public FakeDns failing(String name) {
        failing.add(key(name, Type.TXT));
        failing.add(key(name, Type.A));
        failing.add(key(name, Type.AAAA));
        failing.add(key(name, Type.MX));
        failing.add(key(name, Type.TLSA));
        return this;
    }

    /** Questions about {@code name} of {@code type} fail temporarily (SERVFAIL, or a DNSSEC-bogus answer). */
    public FakeDns failing(String name, int type) {
        failing.add(key(name, type));
        return this;
    }

    /** Answers for {@code zone} and the names below it are DNSSEC-secure (as a validating resolver would say). */
    public FakeDns secure(String zone) {
        secureZones.add(normalized(zone));
        return this;
    }

    public FakeDns add(Record record) {
        String owner = normalized(record.getName().toString(true));
        names.add(owner);
        records.computeIfAbsent(key(owner, record.getType()), k -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    public List<String> questions() {
        return List.copyOf(questions);
    }

    @Override
    public DnsAnswer lookup(String name, int type) {
        String key = key(name, type);
        questions.add(key);
        if (failing.contains(key)) {
            return DnsAnswer.temporaryFailure("SERVFAIL " + name);
        }
        List<Record> found = records.get(key);
        DnsAnswer answer = found != null ? DnsAnswer.found(found)
            : names.contains(normalized(name)) ? DnsAnswer.noRecords() : DnsAnswer.noSuchName();
        return answer.withSecure(isSecure(normalized(name)));
    }

    /** Validating as soon as a zone is declared secure. */
    @Override
    public boolean validatesDnssec() {
        return !secureZones.isEmpty();
    }

    private boolean isSecure(String name) {
        return secureZones.stream().anyMatch(zone -> name.equals(zone) || name.endsWith("." + zone));
    }

    private static String normalized(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String key(String name, int type) {
        return normalized(name) + " " + Type.string(type);
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
