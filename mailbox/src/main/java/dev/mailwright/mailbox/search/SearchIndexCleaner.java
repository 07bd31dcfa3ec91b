package dev.mailwright.mailbox.search;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.events.MailboxEvents;

/**
 * Drops the index documents and the mark of a deleted folder. Expunged messages are left in the index (searches
 * intersect with the folder's rows), so nothing else needs to listen.
 */
public class SearchIndexCleaner implements EventListener.GroupEventListener {
    public static class SearchIndexCleanerGroup extends Group {
    }

    private static final Group GROUP = new SearchIndexCleanerGroup();
    private final LazySearchIndex index;

    public SearchIndexCleaner(LazySearchIndex index) {
        this.index = index;
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof MailboxEvents.MailboxDeletion;
    }

    @Override
    public void event(Event event) {
        if (event instanceof MailboxEvents.MailboxDeletion deletion) {
            index.forget(deletion.getMailboxId());
        }
    }
}
