package dev.mailwright.it.support;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNSSEC-signed zone of the test DNS server (RFC 4033-4035): one ECDSA P-256 key (algorithm 13) that is both the
 * key-signing and zone-signing key, published as the zone's DNSKEY and given to the server under test as its trust
 * anchor. Answers are signed when asked (RRSIG per RRset, made on the fly); "no such name" and "no such record" are
 * proven with NSEC records over the zone's names, as a validating resolver requires.
 */
final class SignedZone {
    private static final Duration SIGNATURE_LIFETIME = Duration.ofDays(2);

    private final Name apex;
    private final DNSKEYRecord key;
    private final PrivateKey privateKey;
    private final SOARecord soa;
    private final java.util.Set<Name> forged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private SignedZone(Name apex, DNSKEYRecord key, PrivateKey privateKey, SOARecord soa) {
        this.apex = apex;
        this.key = key;
        this.privateKey = privateKey;
        this.soa = soa;
    }

    static SignedZone create(Name apex) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            DNSKEYRecord key = new DNSKEYRecord(apex, DClass.IN, 0, DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
                DNSKEYRecord.Protocol.DNSSEC, DNSSEC.Algorithm.ECDSAP256SHA256, keys.getPublic());
            SOARecord soa = new SOARecord(apex, DClass.IN, 0, Name.fromString("ns", apex), Name.fromString("hostmaster", apex),
                1, 3600, 600, 86400, 0);
            return new SignedZone(apex, key, keys.getPrivate(), soa);
        } catch (GeneralSecurityException | TextParseException | DNSSEC.DNSSECException e) {
            throw new IllegalStateException(e);
        }
    }

    Name apex() {
        return apex;
    }

    /** The records the zone adds at its apex. */
    List<Record> apexRecords() {
        return List.of(key, soa);
    }

    /** The trust anchor of the zone, as a zone file line (what dnsservice.xml's trustAnchors file holds). */
    String trustAnchor() {
        return key.toString();
    }

    /** The TLSA records of {@code name} are answered altered after signing: a forgery a validator must refuse. */
    void forge(Name name) {
        forged.add(name);
    }

    boolean contains(Name name) {
        return name.subdomain(apex);
    }

    /** Fills {@code response} for a question in this zone, with signatures and proofs when {@code dnssec}. */
    void answer(Record question, Map<Name, List<Record>> records, Message response, boolean dnssec) {
        Name qname = question.getName();
        NavigableSet<Name> names = new TreeSet<>();
        records.keySet().stream().filter(this::contains).forEach(names::add);
        List<Record> known = records.get(qname);
        if (known == null) {
            boolean emptyNonTerminal = names.stream().anyMatch(name -> !name.equals(qname) && name.subdomain(qname));
            if (!emptyNonTerminal) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            if (dnssec) {
                authority(response, List.of(soa));
                authority(response, List.of(nsec(names.lower(qname) == null ? names.last() : names.lower(qname), names, records)));
                if (!emptyNonTerminal) {
                    Name wildcard = wildcardAt(closestEncloser(qname, names));
                    Name coveringWildcard = names.lower(wildcard) == null ? names.last() : names.lower(wildcard);
                    if (!coveringWildcard.equals(names.lower(qname))) {
                        authority(response, List.of(nsec(coveringWildcard, names, records)));
                    }
                }
            }
            return;
        }
        List<Record> matching = known.stream().filter(r -> r.getType() == question.getType()).toList();
        if (matching.isEmpty()) {
            if (dnssec) {
                authority(response, List.of(soa));
                authority(response, List.of(nsec(qname, names, records)));
            }
            return;
        }
        Record signature = sign(matching);
        matching.stream().map(record -> forged.contains(qname) ? altered(record) : record)
            .forEach(record -> response.addRecord(record, Section.ANSWER));
        if (dnssec) {
            response.addRecord(signature, Section.ANSWER);
        }
    }

    private static Record altered(Record record) {
        if (!(record instanceof TLSARecord tlsa)) {
            return record;
        }
        byte[] data = tlsa.getCertificateAssociationData().clone();
        data[0] ^= 1;
        return new TLSARecord(tlsa.getName(), tlsa.getDClass(), tlsa.getTTL(), tlsa.getCertificateUsage(), tlsa.getSelector(),
            tlsa.getMatchingType(), data);
    }

    private void authority(Message response, List<Record> rrset) {
        rrset.forEach(record -> response.addRecord(record, Section.AUTHORITY));
        response.addRecord(sign(rrset), Section.AUTHORITY);
    }

    private Record sign(List<Record> rrset) {
        try {
            Instant now = Instant.now();
            return DNSSEC.sign(new RRset(rrset.toArray(Record[]::new)), key, privateKey, now.minus(Duration.ofHours(1)),
                now.plus(SIGNATURE_LIFETIME));
        } catch (DNSSEC.DNSSECException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The NSEC record of {@code owner}: the next name of the zone (wrapping to the apex) and the types at the owner. */
    private NSECRecord nsec(Name owner, NavigableSet<Name> names, Map<Name, List<Record>> records) {
        Name next = names.higher(owner) == null ? apex : names.higher(owner);
        TreeSet<Integer> types = new TreeSet<>(List.of(Type.RRSIG, Type.NSEC));
        records.getOrDefault(owner, List.of()).forEach(record -> types.add(record.getType()));
        return new NSECRecord(owner, DClass.IN, 0, next, types.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The longest ancestor of {@code name} that exists (has records, or names below it do). */
    private Name closestEncloser(Name name, NavigableSet<Name> names) {
        Name candidate = name;
        while (!candidate.equals(apex)) {
            candidate = new Name(candidate, 1);
            Name ancestor = candidate;
            if (names.contains(ancestor) || names.stream().anyMatch(n -> n.subdomain(ancestor))) {
                return ancestor;
            }
        }
        return apex;
    }

    private static Name wildcardAt(Name encloser) {
        try {
            return Name.concatenate(Name.fromString("*"), encloser);
        } catch (NameTooLongException | TextParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
