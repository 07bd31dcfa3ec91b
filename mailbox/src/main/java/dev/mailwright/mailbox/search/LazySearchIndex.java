package dev.mailwright.mailbox.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.UnsupportedSearchException;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.search.MessageSearches;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.lucene.store.Directory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * IMAP SEARCH without any indexing on the delivery path.
 *
 * <ul>
 *   <li>Flag, UID, size, date, modseq and header criteria are answered from the message rows (header criteria from
 *       the header block kept in the row), with James's own evaluator ({@link MessageSearches}).</li>
 *   <li>Text criteria (BODY, TEXT) are answered by James's Lucene index, which is not fed at delivery: before a
 *       search with text criteria, the folder is caught up from its "indexed up to UID" mark ({@link IndexMarks}),
 *       as Dovecot's full-text search does. Each text criterion then becomes the set of UIDs Lucene finds for it.</li>
 * </ul>
 *
 * Expunged messages may stay in the index: results are always intersected with the folder's current rows. After a
 * crash the folder is caught up from its mark (documents past the mark are removed first, so nothing is indexed
 * twice); no full rebuild.
 */
public class LazySearchIndex extends LuceneMessageSearchIndex {
    private static final Logger LOGGER = LoggerFactory.getLogger(LazySearchIndex.class);
    private static final int BATCH = 200;

    private final MailboxSessionMapperFactory mappers;
    private final IndexMarks marks;
    private final ConcurrentHashMap<MailboxId, Object> catchUpLocks = new ConcurrentHashMap<>();
    private final DefaultTextExtractor textExtractor = new DefaultTextExtractor();

    public LazySearchIndex(MailboxSessionMapperFactory mappers, MailboxId.Factory mailboxIdFactory, Directory directory,
                           MessageId.Factory messageIdFactory, SessionProvider sessionProvider, Path marksFile) throws IOException {
        super(mappers, mailboxIdFactory, directory, messageIdFactory, sessionProvider);
        this.mappers = mappers;
        this.marks = new IndexMarks(marksFile);
    }

    @Override
    public EnumSet<MailboxManager.SearchCapabilities> getSupportedCapabilities(EnumSet<MailboxManager.MessageCapabilities> messageCapabilities) {
        return EnumSet.noneOf(MailboxManager.SearchCapabilities.class);
    }

    @Override
    public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery query) {
        if (session == null) {
            throw new IllegalArgumentException("'session' is mandatory");
        }
        return Mono.fromCallable(() -> searchNow(session, mailbox, query))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapIterable(uids -> uids);
    }

    @Override
    public Flux<MessageId> search(MailboxSession session, Collection<MailboxId> mailboxIds, SearchQuery searchQuery, long limit) {
        if (mailboxIds.isEmpty()) {
            return Flux.empty();
        }
        // results are store-wide message ids, which this store does not keep
        return Flux.error(new UnsupportedSearchException());
    }

    private List<MessageUid> searchNow(MailboxSession session, Mailbox mailbox, SearchQuery query) throws MailboxException {
        boolean needsText = query.getCriteria().stream().anyMatch(LazySearchIndex::hasText);
        if (needsText) {
            catchUp(session, mailbox);
        }
        MessageMapper mapper = mappers.getMessageMapper(session);
        MessageMapper.FetchType fetch = needsHeaders(query) ? MessageMapper.FetchType.HEADERS : MessageMapper.FetchType.METADATA;
        List<MailboxMessage> messages = new ArrayList<>();
        mapper.findInMailbox(mailbox, MessageRange.all(), fetch, MessageMapper.UNLIMITED).forEachRemaining(messages::add);
        TreeSet<Long> recent = new TreeSet<>();
        query.getRecentMessageUids().forEach(uid -> recent.add(uid.asLong()));
        messages.stream().filter(MailboxMessage::isRecent).forEach(message -> recent.add(message.getUid().asLong()));
        List<SearchQuery.Criterion> criteria = new ArrayList<>();
        for (SearchQuery.Criterion criterion : query.getCriteria()) {
            criteria.add(resolve(session, mailbox, criterion, recent));
        }
        SearchQuery resolved = SearchQuery.builder()
            .andCriteria(criteria)
            .sorts(query.getSorts())
            .build();
        List<MessageUid> result = new ArrayList<>();
        for (SimpleMessageSearchIndex.SearchResult found : new MessageSearches(messages.iterator(), resolved, textExtractor,
            (attachment, any) -> {
                throw new UnsupportedOperationException("attachments are not stored apart");
            }, session)) {
            result.add(found.getMessageUid());
        }
        return result;
    }

    private static boolean hasText(SearchQuery.Criterion criterion) {
        if (criterion instanceof SearchQuery.TextCriterion) {
            return true;
        }
        if (criterion instanceof SearchQuery.ConjunctionCriterion conjunction) {
            return conjunction.getCriteria().stream().anyMatch(LazySearchIndex::hasText);
        }
        return false;
    }

    /** Everything but flags, UIDs, sizes, dates and modseqs looks at headers (criteria) or sorts on them. */
    private static boolean needsHeaders(SearchQuery query) {
        boolean sortsOnHeaders = query.getSorts().stream()
            .map(sort -> sort.getSortClause())
            .anyMatch(clause -> clause != SearchQuery.Sort.SortClause.Uid && clause != SearchQuery.Sort.SortClause.Arrival
                && clause != SearchQuery.Sort.SortClause.Size);
        return sortsOnHeaders || query.getCriteria().stream().anyMatch(LazySearchIndex::looksAtHeaders);
    }

    private static boolean looksAtHeaders(SearchQuery.Criterion criterion) {
        if (criterion instanceof SearchQuery.ConjunctionCriterion conjunction) {
            return conjunction.getCriteria().stream().anyMatch(LazySearchIndex::looksAtHeaders);
        }
        return criterion instanceof SearchQuery.HeaderCriterion
            || criterion instanceof SearchQuery.MimeMessageIDCriterion
            || criterion instanceof SearchQuery.SubjectCriterion;
    }

    /**
     * The criterion as the row evaluator answers it: each text criterion replaced by the UIDs the index finds for
     * it; \Recent as the messages flagged \Recent or recent in the IMAP session; dates of a "sentDate" header as
     * dates of the Date header.
     */
    private SearchQuery.Criterion resolve(MailboxSession session, Mailbox mailbox, SearchQuery.Criterion criterion,
                                          TreeSet<Long> recent) throws MailboxException {
        if (criterion instanceof SearchQuery.FlagCriterion flag && flag.getFlag() == javax.mail.Flags.Flag.RECENT) {
            SearchQuery.Criterion isRecent = SearchQuery.uid(ranges(recent));
            return flag.getOperator().isSet() ? isRecent : SearchQuery.not(isRecent);
        }
        if (criterion instanceof SearchQuery.HeaderCriterion header && "sentDate".equalsIgnoreCase(header.getHeaderName())
            && header.getOperator() instanceof SearchQuery.DateOperator date) {
            switch (date.getType()) {
                case BEFORE:
                    return SearchQuery.headerDateBefore("Date", date.getDate(), date.getDateResultion());
                case AFTER:
                    return SearchQuery.headerDateAfter("Date", date.getDate(), date.getDateResultion());
                default:
                    return SearchQuery.headerDateOn("Date", date.getDate(), date.getDateResultion());
            }
        }
        if (criterion instanceof SearchQuery.TextCriterion) {
            TreeSet<Long> uids = new TreeSet<>();
            Flux.from(doSearch(session, mailbox, SearchQuery.of(criterion)))
                .toIterable()
                .forEach(uid -> uids.add(uid.asLong()));
            return SearchQuery.uid(ranges(uids));
        }
        if (criterion instanceof SearchQuery.ConjunctionCriterion conjunction) {
            List<SearchQuery.Criterion> resolved = new ArrayList<>();
            for (SearchQuery.Criterion inner : conjunction.getCriteria()) {
                resolved.add(resolve(session, mailbox, inner, recent));
            }
            return new SearchQuery.ConjunctionCriterion(conjunction.getType(), resolved);
        }
        return criterion;
    }

    private static SearchQuery.UidRange[] ranges(TreeSet<Long> uids) {
        List<SearchQuery.UidRange> ranges = new ArrayList<>();
        Long low = null;
        Long high = null;
        for (long uid : uids) {
            if (high != null && uid == high + 1) {
                high = uid;
                continue;
            }
            if (low != null) {
                ranges.add(new SearchQuery.UidRange(MessageUid.of(low), MessageUid.of(high)));
            }
            low = uid;
            high = uid;
        }
        if (low != null) {
            ranges.add(new SearchQuery.UidRange(MessageUid.of(low), MessageUid.of(high)));
        }
        return ranges.toArray(SearchQuery.UidRange[]::new);
    }

    /**
     * Indexes the folder's messages past its mark, commits the index, then moves the mark. Serialized per folder;
     * documents past the mark (committed before a crash that lost the mark) are removed first.
     */
    public void catchUp(MailboxSession session, Mailbox mailbox) throws MailboxException {
        String key = mailbox.getMailboxId().serialize();
        synchronized (catchUpLocks.computeIfAbsent(mailbox.getMailboxId(), any -> new Object())) {
            MessageMapper mapper = mappers.getMessageMapper(session);
            Optional<MessageUid> last = mapper.getLastUid(mailbox);
            if (last.isEmpty()) {
                return;
            }
            long validity = mailbox.getUidValidity().asLong();
            long from = marks.get(key)
                .filter(mark -> mark.uidValidity() == validity)
                .map(IndexMarks.Mark::indexedUpTo)
                .orElse(0L);
            long upTo = last.get().asLong();
            if (from >= upTo) {
                return;
            }
            long started = System.nanoTime();
            int indexed = 0;
            try {
                delete(mailbox.getMailboxId(), MessageRange.from(MessageUid.of(from + 1)));
                long next = from + 1;
                while (next <= upTo) {
                    List<MailboxMessage> batch = new ArrayList<>();
                    mapper.findInMailbox(mailbox, MessageRange.range(MessageUid.of(next), MessageUid.of(upTo)),
                        MessageMapper.FetchType.FULL, BATCH).forEachRemaining(batch::add);
                    if (batch.isEmpty()) {
                        break;
                    }
                    for (MailboxMessage message : batch) {
                        try {
                            add(session, mailbox, message).block();
                            indexed++;
                        } catch (RuntimeException e) {
                            LOGGER.warn("Cannot index message {} of mailbox {} for SEARCH: {}", message.getUid(), key, e.getMessage());
                        }
                        next = message.getUid().asLong() + 1;
                    }
                }
                commit();
                marks.put(key, new IndexMarks.Mark(validity, upTo));
            } catch (IOException e) {
                throw new MailboxException("Cannot bring the search index of mailbox " + key + " up to date", e);
            }
            LOGGER.debug("Indexed {} messages of mailbox {} for SEARCH in {} ms", indexed, key, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** A folder was deleted: its documents and mark go. */
    public void forget(MailboxId mailboxId) {
        try {
            deleteAll(null, mailboxId).block();
            marks.remove(mailboxId.serialize());
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("Forgetting the index of mailbox {}", mailboxId, e);
        }
    }
}
