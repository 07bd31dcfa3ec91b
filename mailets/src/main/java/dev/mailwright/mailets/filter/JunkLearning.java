package dev.mailwright.mailets.filter;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

import dev.mailwright.common.filter.RspamdClient;
import dev.mailwright.common.filter.ScanUnavailable;

/**
 * Teaches rspamd from what users do over IMAP: a message copied or moved into the Junk folder is learned as spam
 * ({@code /learnspam}), a message moved out of Junk (anywhere but Trash) as ham ({@code /learnham}). Deliveries (the
 * server filing spam into Junk) teach nothing: only users' own moves do.
 *
 * <p>A mailbox event listener ({@code conf/listeners.xml}), asynchronous (learning never slows IMAP), written against
 * James's mailbox API and events only, without message ids (the JPA mailbox of James 3.8.1 has none that work). A
 * move is an {@code Added} event (target folder, new uids) and an {@code Expunged} event (source folder) of the same
 * client session; "out of Junk" pairs them by session, size and internal date, which a move keeps, in whichever
 * order the two arrive (each side waits two minutes for the other).
 *
 * <pre>
 * &lt;listener&gt;
 *   &lt;class&gt;dev.mailwright.mailets.filter.JunkLearning&lt;/class&gt;
 *   &lt;async&gt;true&lt;/async&gt;
 *   &lt;configuration&gt;
 *     &lt;rspamdControllerUrl&gt;http://127.0.0.1:11334&lt;/rspamdControllerUrl&gt;  (empty: off)
 *     &lt;passwordFile&gt;&lt;/passwordFile&gt;     (the controller's password, for a controller that does not trust our address)
 *     &lt;junkFolder&gt;Junk&lt;/junkFolder&gt;
 *     &lt;trashFolder&gt;Trash&lt;/trashFolder&gt;
 *     &lt;timeout&gt;10&lt;/timeout&gt;              (seconds per learn call)
 *   &lt;/configuration&gt;
 * &lt;/listener&gt;
 * </pre>
 */
public class JunkLearning implements EventListener.GroupEventListener {
    public static class JunkLearningGroup extends Group {
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(JunkLearning.class);
    private static final Group GROUP = new JunkLearningGroup();
    private static final long MAX_SIZE = 25L * 1024 * 1024;

    /** What a move keeps: the client session that made it, the message's size and internal date. */
    private record MoveKey(MailboxSession.SessionId session, long size, long internalDate) {
        static MoveKey of(MailboxEvents.MetaDataHoldingEvent event, MessageMetaData metaData) {
            return new MoveKey(event.getSessionId(), metaData.getSize(), metaData.getInternalDate().getTime());
        }
    }

    private record Placement(Username user, MailboxId mailbox, String folder, MessageUid uid) {
    }

    private final MailboxManager mailboxManager;
    private final Optional<RspamdClient> rspamd;
    private final String junk;
    private final String trash;
    /** Messages added by a client (not delivered) to a folder other than Junk, waiting for an expunge from Junk. */
    private final Cache<MoveKey, Placement> added = CacheBuilder.newBuilder().maximumSize(10_000).expireAfterWrite(2, TimeUnit.MINUTES).build();
    /** Messages expunged from Junk, waiting for their Added event elsewhere. */
    private final Cache<MoveKey, Boolean> leftJunk = CacheBuilder.newBuilder().maximumSize(10_000).expireAfterWrite(2, TimeUnit.MINUTES).build();

    @Inject
    public JunkLearning(MailboxManager mailboxManager, HierarchicalConfiguration<ImmutableNode> configuration) throws IOException {
        this.mailboxManager = mailboxManager;
        this.junk = configuration.getString("junkFolder", "Junk").strip();
        this.trash = configuration.getString("trashFolder", "Trash").strip();
        String url = configuration.getString("rspamdControllerUrl", "").strip();
        String passwordFile = configuration.getString("passwordFile", "").strip();
        Optional<String> password = passwordFile.isEmpty()
            ? Optional.empty()
            : Optional.of(Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip());
        Duration timeout = Duration.ofSeconds(configuration.getLong("timeout", 10));
        if (url.isEmpty()) {
            this.rspamd = Optional.empty();
            LOGGER.info("Junk learning is off: no <rspamdControllerUrl> in conf/listeners.xml");
        } else {
            URI controller = URI.create(url);
            this.rspamd = Optional.of(new RspamdClient(controller, Optional.of(controller), password, timeout));
            LOGGER.info("Junk learning: messages moved into {} teach rspamd ({}) spam, out of {} ham", junk, controller, junk);
        }
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    /** Never on the IMAP command's thread: learning reads the message and calls rspamd, which may take seconds. */
    @Override
    public ExecutionMode getExecutionMode() {
        return ExecutionMode.ASYNCHRONOUS;
    }

    @Override
    public boolean isHandling(Event event) {
        return rspamd.isPresent()
            && (event instanceof MailboxEvents.Added added && !added.isDelivery() || event instanceof MailboxEvents.Expunged);
    }

    @Override
    public void event(Event event) {
        if (event instanceof MailboxEvents.Added addedEvent) {
            onAdded(addedEvent);
        } else if (event instanceof MailboxEvents.Expunged expunged && isFolder(expunged.getMailboxPath().getName(), junk)) {
            onExpungedFromJunk(expunged);
        }
    }

    private void onAdded(MailboxEvents.Added event) {
        String folder = event.getMailboxPath().getName();
        boolean intoJunk = isFolder(folder, junk);
        for (MessageMetaData metaData : event.getAdded().values()) {
            if (intoJunk) {
                learn(event.getUsername(), event.getMailboxId(), metaData.getUid(), true);
                continue;
            }
            MoveKey key = MoveKey.of(event, metaData);
            Placement placement = new Placement(event.getUsername(), event.getMailboxId(), folder, metaData.getUid());
            if (leftJunk.getIfPresent(key) != null) {
                leftJunk.invalidate(key);
                learnHam(placement);
            } else {
                added.put(key, placement);
            }
        }
    }

    private void onExpungedFromJunk(MailboxEvents.Expunged event) {
        for (MessageMetaData metaData : event.getExpunged().values()) {
            MoveKey key = MoveKey.of(event, metaData);
            Placement placement = added.getIfPresent(key);
            if (placement == null) {
                leftJunk.put(key, true);
            } else {
                added.invalidate(key);
                learnHam(placement);
            }
        }
    }

    private void learnHam(Placement placement) {
        if (!isFolder(placement.folder(), trash)) {
            learn(placement.user(), placement.mailbox(), placement.uid(), false);
        }
    }

    private static boolean isFolder(String name, String folder) {
        return name != null && name.equalsIgnoreCase(folder);
    }

    private void learn(Username user, MailboxId mailbox, MessageUid uid, boolean spam) {
        String kind = spam ? "spam" : "ham";
        MailboxSession session = mailboxManager.createSystemSession(user);
        try {
            MessageManager folder = mailboxManager.getMailbox(mailbox, session);
            Iterator<MessageResult> results = folder.getMessages(MessageRange.one(uid), FetchGroup.FULL_CONTENT, session);
            if (!results.hasNext()) {
                return;
            }
            MessageResult message = results.next();
            if (message.getSize() > MAX_SIZE) {
                LOGGER.info("Not learning a {} KiB message of {} as {}: too large", message.getSize() / 1024, user.asString(), kind);
                return;
            }
            byte[] content;
            try (InputStream in = message.getFullContent().getInputStream()) {
                content = in.readAllBytes();
            }
            rspamd.orElseThrow().learn(spam, content);
            LOGGER.info("Learned a message of {} as {} (moved {} {})", user.asString(), kind, spam ? "into" : "out of", junk);
        } catch (ScanUnavailable e) {
            LOGGER.warn("Could not teach rspamd a message of {} as {}: {}", user.asString(), kind, e.getMessage());
        } catch (Exception e) {
            LOGGER.warn("Could not read a message of {} to learn it as {}: {}", user.asString(), kind, e.getMessage());
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }
}
