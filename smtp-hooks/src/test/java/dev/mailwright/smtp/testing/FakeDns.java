package dev.mailwright.smtp.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.mailwright.smtp.dns.DnsAnswer;
import dev.mailwright.smtp.dns.DnsLookup;

/** DNS answers for hook tests: records by name and type, names that fail temporarily, and the questions asked. */
public class FakeDns implements DnsLookup {
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
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

    public FakeDns mx(String name, int preference, String host) {
        return add(new MXRecord(name(name), DClass.IN, 300, preference, name(host)));
    }

    public FakeDns failing(String name) {
        failing.add(key(name, Type.TXT));
        failing.add(key(name, Type.A));
        failing.add(key(name, Type.MX));
        return this;
    }

    public List<String> questions() {
        return List.copyOf(questions);
    }

    private FakeDns add(Record record) {
        records.computeIfAbsent(key(record.getName().toString(true), record.getType()), k -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    @Override
    public DnsAnswer lookup(String name, int type) {
        String key = key(name, type);
        questions.add(key);
        if (failing.contains(key)) {
            return DnsAnswer.temporaryFailure("SERVFAIL " + name);
        }
        List<Record> found = records.get(key);
        return found == null ? DnsAnswer.noRecords() : DnsAnswer.found(found);
    }

    private static String key(String name, int type) {
        String normalized = name.toLowerCase(Locale.ROOT);
        return (normalized.endsWith(".") ? normalized.substring(0, normalized.length() - 1) : normalized) + " " + Type.string(type);
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
