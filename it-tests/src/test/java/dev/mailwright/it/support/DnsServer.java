package dev.mailwright.it.support;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server for a test, on UDP and TCP 127.0.0.1 at a free port: the server under test is pointed
 * at it through {@code conf/dnsservice.xml}, so every lookup of the server (James, SPF, DKIM, delivery) sees the
 * test's records. Unknown names are NXDOMAIN; names marked {@link #failing} answer SERVFAIL. Records have TTL 0.
 */
public final class DnsServer implements AutoCloseable {
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final List<SignedZone> signedZones = new CopyOnWriteArrayList<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile boolean running = true;

    private DnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    public static DnsServer start() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = FreePorts.next();
            try {
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                ServerSocket tcp;
                try {
                    tcp = new ServerSocket();
                    tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                } catch (IOException e) {
                    udp.close();
                    continue;
                }
                DnsServer server = new DnsServer(udp, tcp);
                server.daemon(server::serveUdp, "test-dns-udp");
                server.daemon(server::serveTcp, "test-dns-tcp");
                return server;
            } catch (IOException e) {
                // port taken for UDP: try another
            }
        }
        throw new IllegalStateException("no free port for the test DNS server");
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** {@code host:port} for {@code <server>} in dnsservice.xml. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public DnsServer a(String name, String ip) {
        return add(new ARecord(name(name), DClass.IN, 0, parse(ip)));
    }

    public DnsServer aaaa(String name, String ip) {
        return add(new AAAARecord(name(name), DClass.IN, 0, parse(ip)));
    }

    public DnsServer mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, 0, preference, name(host)));
    }

    /** RFC 7505: "this domain accepts no mail". */
    public DnsServer nullMx(String domain) {
        return add(new MXRecord(name(domain), DClass.IN, 0, 0, Name.root));
    }

    public DnsServer cname(String name, String target) {
        return add(new CNAMERecord(name(name), DClass.IN, 0, name(target)));
    }

    public DnsServer txt(String name, String... strings) {
        return add(new TXTRecord(name(name), DClass.IN, 0, List.of(strings)));
    }

    /**
     * Makes {@code zone} and the names below it a DNSSEC-signed zone (its DNSKEY and SOA are added): answers are
     * signed and negative answers proven for clients that ask (DO flag). Add the zone's records before or after.
     */
    public DnsServer signedZone(String zone) {
        SignedZone signed = SignedZone.create(name(zone));
        signed.apexRecords().forEach(this::add);
        signedZones.add(signed);
        return this;
    }

    /** In a signed zone: the TLSA records of {@code name} are answered with altered data (their signature fails). */
    public DnsServer forgeTlsa(String name) {
        Name forged = name(name);
        signedZones.stream().filter(signed -> signed.contains(forged)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(name + " is in no signed zone")).forge(forged);
        return this;
    }

    /** The trust anchor of a signed zone, a zone file line (a DNSKEY record) for dnsservice.xml's trustAnchors file. */
    public String trustAnchor(String zone) {
        return signedZones.stream().filter(signed -> signed.apex().equals(name(zone))).findFirst()
            .orElseThrow(() -> new IllegalArgumentException(zone + " is not signed")).trustAnchor();
    }

    public DnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    public DnsServer remove(String name) {
        records.remove(name(name));
        return this;
    }

    /** Queries for {@code name} answer SERVFAIL (a temporary DNS failure). */
    public DnsServer failing(String name) {
        failing.add(name(name));
        return this;
    }

    /** Every query received, as "NAME TYPE". */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    @Override
    public void close() {
        running = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.getHeader().setFlag(Flags.RA);
        Record question = query.getQuestion();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        queries.add(question.getName().toString(true) + " " + Type.string(question.getType()));
        if (failing.contains(question.getName())) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        OPTRecord opt = query.getOPT();
        boolean dnssec = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        if (opt != null) {
            response.addRecord(new OPTRecord(4096, 0, 0, dnssec ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        for (SignedZone zone : signedZones) {
            if (zone.contains(question.getName())) {
                zone.answer(question, records, response, dnssec);
                return response;
            }
        }
        List<Record> known = records.get(question.getName());
        if (known == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        for (Record record : known) {
            if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                response.addRecord(record, Section.ANSWER);
            }
        }
        return response;
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (running) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                // EDNS clients (a validating resolver) take larger answers over UDP; the rest is truncated (TC) for TCP
                int limit = query.getOPT() == null ? 512 : Math.max(512, query.getOPT().getPayloadSize());
                byte[] reply = answer(query).toWire(limit);
                udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (running) {
            try {
                Socket client = tcp.accept();
                daemon(() -> serveTcpClient(client), "test-dns-tcp-client");
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void serveTcpClient(Socket client) {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            while (true) {
                int length = in.readUnsignedShort();
                byte[] query = new byte[length];
                in.readFully(query);
                byte[] reply = answer(new Message(query)).toWire();
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (IOException e) {
            // client done
        }
    }

    private void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    private static InetAddress parse(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
