package dev.mailwright.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** The resolver's decisions against DNS answers given by an in-process resolver (dnsjava's default). */
class NextHopResolverTest {
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<String, Integer> rcodes = new ConcurrentHashMap<>();
    private final NextHopResolver resolver = new NextHopResolver();

    @BeforeEach
    void useTestAnswers() {
        Lookup.setDefaultResolver(new Answers());
        Lookup.setDefaultCache(new org.xbill.DNS.Cache(), DClass.IN);
    }

    @AfterEach
    void restore() {
        Lookup.refreshDefault();
    }

    @Test
    void mxHostsComeInPreferenceOrder() throws Exception {
        mx("example.test", 20, "backup.example.test");
        mx("example.test", 10, "primary.example.test");
        assertThat(resolver.mxHosts("example.test")).containsExactly("primary.example.test", "backup.example.test");
    }

    @Test
    void aDomainWithoutMxIsItsOwnMailHost() throws Exception {
        add(new ARecord(name("plain.test"), DClass.IN, 0, InetAddress.getByName("192.0.2.7")));
        assertThat(resolver.mxHosts("plain.test")).containsExactly("plain.test");
    }

    @Test
    void aNullMxFailsPermanentlyWith5110() {
        add(new MXRecord(name("nomail.test"), DClass.IN, 0, 0, Name.root));
        assertThatThrownBy(() -> resolver.mxHosts("nomail.test")).isInstanceOfSatisfying(DeliveryFailure.class,
            failure -> assertThat(failure.reply().oneLine()).startsWith("556 5.1.10"));
    }

    @Test
    void aDomainThatDoesNotExistFailsPermanentlyAndAResolverFailureTemporarily() {
        assertThatThrownBy(() -> resolver.mxHosts("nowhere.test")).isInstanceOfSatisfying(DeliveryFailure.class,
            failure -> assertThat(failure.reply().status()).isEqualTo("5.1.2"));
        rcodes.put("broken.test.", Rcode.SERVFAIL);
        assertThatThrownBy(() -> resolver.mxHosts("broken.test")).isInstanceOfSatisfying(DeliveryFailure.class,
            failure -> assertThat(failure.reply().status()).isEqualTo("4.4.3"));
    }

    @Test
    void addressesAreIpv6FirstAndAFailedAaaaDoesNotHideTheIpv4Address() throws Exception {
        add(new AAAARecord(name("dual.test"), DClass.IN, 0, InetAddress.getByName("2001:db8::25")));
        add(new ARecord(name("dual.test"), DClass.IN, 0, InetAddress.getByName("192.0.2.25")));
        assertThat(resolver.addresses("dual.test")).extracting(InetAddress::getHostAddress)
            .containsExactly("2001:db8:0:0:0:0:0:25", "192.0.2.25");

        add(new ARecord(name("v4only.test"), DClass.IN, 0, InetAddress.getByName("192.0.2.4")));
        rcodes.put("v4only.test. AAAA", Rcode.REFUSED);
        assertThat(resolver.addresses("v4only.test")).extracting(InetAddress::getHostAddress).containsExactly("192.0.2.4");

        rcodes.put("gone.test.", Rcode.SERVFAIL);
        assertThatThrownBy(() -> resolver.addresses("gone.test")).isInstanceOf(DeliveryFailure.class);
        assertThat(resolver.addresses("nothing.test")).isEmpty();
    }

    private void mx(String domain, int preference, String host) {
        add(new MXRecord(name(domain), DClass.IN, 0, preference, name(host)));
    }

    private void add(Record record) {
        records.computeIfAbsent(record.getName().toString(), n -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(record);
    }

    private static Name name(String name) {
        return Name.fromConstantString(name + ".");
    }

    /** Answers from the maps: records by name, or an rcode by "name" or "name TYPE". */
    private final class Answers implements Resolver {
        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            return CompletableFuture.completedFuture(answer(query));
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return CompletableFuture.completedFuture(answer(query));
        }

        private Message answer(Message query) {
            Record question = query.getQuestion();
            Message response = new Message(query.getHeader().getID());
            response.getHeader().setFlag(Flags.QR);
            response.getHeader().setFlag(Flags.RA);
            response.addRecord(question, Section.QUESTION);
            String name = question.getName().toString();
            Integer rcode = rcodes.getOrDefault(name + " " + Type.string(question.getType()), rcodes.get(name));
            if (rcode != null) {
                response.getHeader().setRcode(rcode);
                return response;
            }
            List<Record> known = records.get(name);
            if (known == null) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
                return response;
            }
            known.stream().filter(record -> record.getType() == question.getType())
                .forEach(record -> response.addRecord(record, Section.ANSWER));
            return response;
        }

        @Override
        public void setPort(int port) {
        }

        @Override
        public void setTCP(boolean flag) {
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        }

        @Override
        public void setTSIGKey(TSIG key) {
        }

        @Override
        public void setTimeout(Duration timeout) {
        }
    }
}
