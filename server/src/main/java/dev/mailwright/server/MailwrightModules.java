package dev.mailwright.server;

import org.apache.james.NaiveDelegationStoreModule;
import org.apache.james.modules.MailboxModule;
import org.apache.james.modules.MailetProcessingModule;
import org.apache.james.modules.mailbox.DefaultEventModule;
import org.apache.james.modules.mailbox.MemoryDeadLetterModule;
import org.apache.james.modules.protocols.IMAPServerModule;
import org.apache.james.modules.protocols.LMTPServerModule;
import org.apache.james.modules.protocols.ProtocolHandlerModule;
import org.apache.james.modules.protocols.SMTPServerModule;
import org.apache.james.modules.server.DKIMMailetModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.MailRepositoriesRoutesModule;
import org.apache.james.modules.server.MailboxRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.RawPostDequeueDecoratorModule;
import org.apache.james.modules.server.ReIndexingModule;
import org.apache.james.modules.server.SieveRoutesModule;
import org.apache.james.modules.server.TaskManagerModule;
import org.apache.james.modules.server.WebAdminReIndexingTaskSerializationModule;
import org.apache.james.modules.server.WebAdminServerModule;

import com.google.inject.Module;
import com.google.inject.util.Modules;

import dev.mailwright.server.modules.ContentFiltersModule;
import dev.mailwright.server.modules.DkimModule;
import dev.mailwright.server.modules.JpaDataModule;
import dev.mailwright.server.modules.JpaPersistenceModule;
import dev.mailwright.server.modules.MailboxStoreModule;
import dev.mailwright.server.modules.MetricsModule;
import dev.mailwright.server.modules.ReadCacheModule;
import dev.mailwright.server.modules.StateStoreModule;
import dev.mailwright.server.queue.FileQueueModule;

/** The Guice composition of a Mailwright server. */
public final class MailwrightModules {
    private MailwrightModules() {
    }

    /** Database, mailboxes, search and queues: everything that must survive a restart. */
    public static final Module STORAGE = Modules.combine(
        new JpaPersistenceModule(),
        new JpaDataModule(),
        new ReadCacheModule(),
        new MailboxStoreModule(),
        new MailboxModule(),
        new DefaultEventModule(),
        new MemoryDeadLetterModule(),
        new FileQueueModule(),
        new RawPostDequeueDecoratorModule(),
        new NaiveDelegationStoreModule(),
        new StateStoreModule());

    public static final Module PROTOCOLS = Modules.combine(
        new ProtocolHandlerModule(),
        new SMTPServerModule(),
        new IMAPServerModule(),
        new LMTPServerModule(),
        new ContentFiltersModule());

    public static final Module ADMINISTRATION = Modules.combine(
        new WebAdminServerModule(),
        new NoJwtModule(),
        new DataRoutesModules(),
        new MailboxRoutesModule(),
        new MailQueueRoutesModule(),
        new MailRepositoriesRoutesModule(),
        new SieveRoutesModule(),
        new ReIndexingModule(),
        new WebAdminReIndexingTaskSerializationModule(),
        new TaskManagerModule(),
        new MetricsModule());

    public static final Module MAIL_PROCESSING = Modules.combine(
        new MailetProcessingModule(),
        new DKIMMailetModule(),
        new DkimModule());

    public static final Module ALL = Modules.combine(STORAGE, PROTOCOLS, ADMINISTRATION, MAIL_PROCESSING);
}
