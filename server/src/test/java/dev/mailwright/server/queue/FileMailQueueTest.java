package dev.mailwright.server.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

import reactor.core.publisher.Flux;

class FileMailQueueTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");

    @TempDir
    Path root;
    private final List<FileMailQueues> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileMailQueues::close);
    }

    private ManageableMailQueue open() {
        FileMailQueues queues = new FileMailQueues(root, new RawMailQueueItemDecoratorFactory(), new RecordingMetricFactory(), new NoopGaugeRegistry());
        opened.add(queues);
        return queues.createQueue(SPOOL);
    }

    /** A restart: the queues of the previous "process" hand out nothing more; new ones read the folder. */
    private ManageableMailQueue restart() {
        opened.forEach(FileMailQueues::close);
        opened.clear();
        return open();
    }

    private static Mail mail(String name) throws MessagingException {
        return MailImpl.builder().name(name).sender("sender@example.org").addRecipient("rcpt@example.com")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("subject " + name).setText("body of " + name))
            .build();
    }

    private static MailQueueItem take(ManageableMailQueue queue) {
        return Flux.from(queue.deQueue()).next().block(Duration.ofSeconds(10));
    }

    private static MailQueueItem takeWithin(ManageableMailQueue queue, Duration wait) {
        try {
            return Flux.from(queue.deQueue()).next().block(wait);
        } catch (IllegalStateException timeout) {
            return null;
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("spool"))) {
            return files.toList();
        }
    }

    @Test
    void anEnqueuedMailIsOneFileInTheQueueFolderUntilItsProcessingSucceeded() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(mail("m1"));

        assertThat(files()).hasSize(1);
        assertThat(files().get(0).getFileName().toString()).doesNotStartWith(".");
        MailQueueItem item = take(queue);
        assertThat(item.getMail().getName()).isEqualTo("m1");
        assertThat(files()).hasSize(1);

        item.done(CompletionStatus.SUCCESS);
        assertThat(files()).isEmpty();
        assertThat(queue.getSize()).isZero();
    }

    @Test
    void theMailComesBackWhole() throws Exception {
        ManageableMailQueue queue = open();
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder().setSubject("héllo").setText("line 1\r\nline 2\r\n")
            .addHeader("X-Test", "yes").build();
        PerRecipientHeaders.Header header = PerRecipientHeaders.Header.builder().name("Delivered-To").value("rcpt@example.com").build();
        Mail mail = MailImpl.builder().name("whole").sender("sender@example.org")
            .addRecipients(new MailAddress("rcpt@example.com"), new MailAddress("other@example.net"))
            .mimeMessage(message).state("transport").errorMessage("last error").lastUpdated(new Date(1_700_000_000_000L))
            .remoteAddr("192.0.2.7").remoteHost("client.example.org")
            .addHeaderForRecipient(header, new MailAddress("rcpt@example.com"))
            .addAttribute(new Attribute(AttributeName.of("text"), AttributeValue.of("value")))
            .addAttribute(new Attribute(AttributeName.of("count"), AttributeValue.of(3)))
            .addAttribute(new Attribute(AttributeName.of("flag"), AttributeValue.of(true)))
            .addAttribute(new Attribute(AttributeName.of("list"), AttributeValue.of(ImmutableList.of(AttributeValue.of("a"), AttributeValue.of("b")))))
            .addAttribute(new Attribute(AttributeName.of("map"), AttributeValue.of(ImmutableMap.of("k", AttributeValue.of(7L)))))
            .build();
        queue.enQueue(mail);

        Mail back = restart().browse().next().getMail();
        assertThat(back.getName()).isEqualTo("whole");
        assertThat(back.getMaybeSender().asString()).isEqualTo("sender@example.org");
        assertThat(back.getRecipients()).containsExactly(new MailAddress("rcpt@example.com"), new MailAddress("other@example.net"));
        assertThat(back.getState()).isEqualTo("transport");
        assertThat(back.getErrorMessage()).isEqualTo("last error");
        assertThat(back.getLastUpdated()).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(back.getRemoteAddr()).isEqualTo("192.0.2.7");
        assertThat(back.getRemoteHost()).isEqualTo("client.example.org");
        assertThat(back.getPerRecipientSpecificHeaders().getHeadersForRecipient(new MailAddress("rcpt@example.com"))).containsExactly(header);
        assertThat(back.attributes()).containsExactlyInAnyOrderElementsOf(mail.attributes().toList());
        assertThat(back.getMessage().getSubject()).isEqualTo("héllo");
        assertThat(back.getMessage().getHeader("X-Test")).containsExactly("yes");
        assertThat(new String(back.getMessage().getInputStream().readAllBytes())).isEqualTo("line 1\r\nline 2\r\n");
        assertThat(back.getMessageSize()).isEqualTo(mail.getMessageSize());
    }

    @Test
    void aNullSenderStaysANullSender() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(MailImpl.builder().name("bounce").sender(org.apache.james.core.MaybeSender.nullSender())
            .addRecipient("rcpt@example.com").mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x")).build());

        assertThat(take(queue).getMail().getMaybeSender().isNullSender()).isTrue();
    }

    @Test
    void everyMailNotAcknowledgedIsTakenAgainAfterARestartInItsOrder() throws Exception {
        ManageableMailQueue queue = open();
        for (int i = 1; i <= 3; i++) {
            queue.enQueue(mail("m" + i));
        }
        take(queue).done(CompletionStatus.SUCCESS);
        take(queue); // taken, never acknowledged: the process dies

        ManageableMailQueue again = restart();
        assertThat(again.getSize()).isEqualTo(2);
        assertThat(take(again).getMail().getName()).isEqualTo("m2");
        assertThat(take(again).getMail().getName()).isEqualTo("m3");
    }

    @Test
    void aTemporaryFileOfAnEnqueueThatDidNotFinishIsRemovedAtStart() throws Exception {
        open();
        Path leftover = root.resolve("spool").resolve(".tmp-0001764574800123-abcd-000001-0001764574800123");
        Files.write(leftover, new byte[] {1, 2, 3});

        ManageableMailQueue queue = restart();
        assertThat(queue.getSize()).isZero();
        assertThat(leftover).doesNotExist();
    }

    @Test
    void anEnqueueThatCannotBeWrittenFailsAndLeavesNothingBehind() throws Exception {
        ManageableMailQueue queue = open();
        MimeMessage failing = new MimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x").build()) {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(new byte[100_000]);
                throw new IOException("No space left on device");
            }
        };
        Mail mail = org.apache.mailet.base.test.FakeMail.builder().name("full").sender("a@example.org")
            .recipient("b@example.com").mimeMessage(failing).build();

        assertThatThrownBy(() -> queue.enQueue(mail)).isInstanceOf(org.apache.james.queue.api.MailQueue.MailQueueException.class)
            .hasMessageContaining("No space left on device");
        assertThat(files()).isEmpty();
        assertThat(queue.getSize()).isZero();
        queue.enQueue(mail("after"));
        assertThat(take(queue).getMail().getName()).isEqualTo("after");
    }

    @Test
    void aDelayedMailIsHandedOutWhenItIsDue() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(mail("later"), Duration.ofMillis(700));
        queue.enQueue(mail("now"));

        assertThat(take(queue).getMail().getName()).isEqualTo("now");
        assertThat(takeWithin(queue, Duration.ofMillis(300))).isNull();
        assertThat(take(queue).getMail().getName()).isEqualTo("later");
    }

    @Test
    void aDelayKeepsItsDueTimeAcrossARestartAndFlushEndsIt() throws Exception {
        open().enQueue(mail("later"), Duration.ofHours(1));

        ManageableMailQueue queue = restart();
        assertThat(queue.getSize()).isEqualTo(1);
        assertThat(queue.browse().next().getNextDelivery()).isPresent();
        assertThat(takeWithin(queue, Duration.ofMillis(300))).isNull();
        assertThat(queue.flush()).isEqualTo(1);
        assertThat(take(queue).getMail().getName()).isEqualTo("later");
    }

    @Test
    void retryHandsTheMailOutAgainAfterAShortWait() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(mail("m1"));
        take(queue).done(CompletionStatus.RETRY);

        long start = System.nanoTime();
        MailQueueItem again = take(queue);
        assertThat(again.getMail().getName()).isEqualTo("m1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(FileMailQueue.RETRY_DELAY.minusMillis(50));
        assertThat(files()).hasSize(1);
    }

    @Test
    void rejectLeavesTheMailOnDiskForTheNextStartOnly() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(mail("m1"));
        take(queue).done(CompletionStatus.REJECT);

        assertThat(takeWithin(queue, Duration.ofMillis(300))).isNull();
        assertThat(queue.getSize()).isEqualTo(1);
        assertThat(take(restart()).getMail().getName()).isEqualTo("m1");
    }

    @Test
    void aConsumerThatStopsWaitingLosesNoMail() throws Exception {
        ManageableMailQueue queue = open();
        // a consumer that gave up (as the spooler's dequeue thread at stop): its subscription is cancelled
        assertThat(takeWithin(queue, Duration.ofMillis(100))).isNull();
        queue.enQueue(mail("m1"));

        assertThat(take(queue).getMail().getName()).isEqualTo("m1");
    }

    @Test
    void concurrentConsumersGetEachMailExactlyOnce() throws Exception {
        ManageableMailQueue queue = open();
        int mails = 400;
        int consumers = 20;
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(mails);
        ExecutorService threads = Executors.newFixedThreadPool(consumers + 2);
        try {
            // consumers as the spooler runs them: each takes one mail, processes it, acknowledges it, takes the next
            for (int c = 0; c < consumers; c++) {
                threads.execute(() -> {
                    while (done.getCount() > 0) {
                        MailQueueItem item = takeWithin(queue, Duration.ofMillis(200));
                        if (item == null) {
                            continue;
                        }
                        if (!seen.add(item.getMail().getName())) {
                            duplicates.incrementAndGet();
                        }
                        try {
                            item.done(CompletionStatus.SUCCESS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        done.countDown();
                    }
                });
            }
            for (int producer = 0; producer < 2; producer++) {
                int offset = producer * mails / 2;
                threads.execute(() -> {
                    for (int i = 0; i < mails / 2; i++) {
                        try {
                            queue.enQueue(mail("m" + (offset + i)));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            threads.shutdownNow();
        }
        assertThat(seen).hasSize(mails);
        assertThat(duplicates).hasValue(0);
        assertThat(queue.getSize()).isZero();
        assertThat(files()).isEmpty();
    }

    @Test
    void sizeBrowseAndRemove() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(mail("a"));
        queue.enQueue(MailImpl.builder().name("b").sender("other@example.org").addRecipient("x@example.com")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("b")).build());
        queue.enQueue(MailImpl.builder().name("c").sender("sender@example.org").addRecipient("y@example.com")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("c")).build(), Duration.ofHours(1));

        assertThat(queue.getSize()).isEqualTo(3);
        List<String> names = new ArrayList<>();
        queue.browse().forEachRemaining(view -> names.add(view.getMail().getName()));
        assertThat(names).containsExactly("a", "b", "c");

        assertThat(queue.remove(ManageableMailQueue.Type.Recipient, "x@example.com")).isEqualTo(1);
        ManageableMailQueue afterRestart = restart();
        assertThat(afterRestart.remove(ManageableMailQueue.Type.Sender, "sender@example.org")).isEqualTo(2);
        assertThat(afterRestart.getSize()).isZero();
        assertThat(files()).isEmpty();
    }

    @Test
    void clearRemovesWhatIsNotBeingProcessed() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(mail("a"));
        queue.enQueue(mail("b"));
        MailQueueItem inProcess = take(queue);

        assertThat(queue.clear()).isEqualTo(1);
        assertThat(queue.getSize()).isEqualTo(1);
        inProcess.done(CompletionStatus.SUCCESS);
        assertThat(queue.getSize()).isZero();
    }

    @Test
    void anUnreadableFileIsSetAsideAndTheOthersGoOn() throws Exception {
        ManageableMailQueue queue = open();
        queue.enQueue(mail("good"));
        Path broken = root.resolve("spool").resolve("0000000000000001-abcd-000001-0000000000000001");
        Files.write(broken, "not a queued mail".getBytes());

        ManageableMailQueue again = restart();
        assertThat(take(again).getMail().getName()).isEqualTo("good");
        assertThat(broken.resolveSibling(broken.getFileName() + ".unreadable")).exists();
        assertThat(broken).doesNotExist();
    }

    @Test
    void aQueueNameThatIsNotAPlainFolderNameIsRefused() {
        FileMailQueues queues = new FileMailQueues(root, new RawMailQueueItemDecoratorFactory(), new RecordingMetricFactory(), new NoopGaugeRegistry());
        opened.add(queues);
        assertThatThrownBy(() -> queues.createQueue(MailQueueName.of("../etc"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.createQueue(MailQueueName.of("kahadb"))).isInstanceOf(IllegalArgumentException.class);
    }
}
