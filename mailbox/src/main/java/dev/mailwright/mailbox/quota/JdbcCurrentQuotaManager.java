package dev.mailwright.mailbox.quota;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.apache.james.core.quota.QuotaCountUsage;
import org.apache.james.core.quota.QuotaSizeUsage;
import org.apache.james.mailbox.model.CurrentQuotas;
import org.apache.james.mailbox.model.QuotaOperation;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.reactivestreams.Publisher;

import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.mapper.QuotaUsage;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Current quota usage ({@code MW_QUOTA_CURRENT}). The store's own writes change it inside their transactions (see
 * {@link QuotaUsage}); this class serves reads and James's explicit changes (the recompute task of WebAdmin).
 */
public class JdbcCurrentQuotaManager implements CurrentQuotaManager {
    private final MailboxDatabase database;

    public JdbcCurrentQuotaManager(MailboxDatabase database) {
        this.database = database;
    }

    @Override
    public Publisher<QuotaCountUsage> getCurrentMessageCount(QuotaRoot quotaRoot) {
        return current(quotaRoot).map(CurrentQuotas::count);
    }

    @Override
    public Publisher<QuotaSizeUsage> getCurrentStorage(QuotaRoot quotaRoot) {
        return current(quotaRoot).map(CurrentQuotas::size);
    }

    @Override
    public Publisher<CurrentQuotas> getCurrentQuotas(QuotaRoot quotaRoot) {
        return current(quotaRoot);
    }

    private Mono<CurrentQuotas> current(QuotaRoot quotaRoot) {
        return Mono.fromCallable(() -> database.query("read the quota usage", connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT MESSAGE_COUNT, STORAGE FROM MW_QUOTA_CURRENT WHERE QUOTA_ROOT = ?", quotaRoot.getValue());
                 ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return CurrentQuotas.emptyQuotas();
                }
                return new CurrentQuotas(QuotaCountUsage.count(rows.getLong(1)), QuotaSizeUsage.size(rows.getLong(2)));
            }
        })).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Publisher<Void> increase(QuotaOperation operation) {
        return change(operation, 1);
    }

    @Override
    public Publisher<Void> decrease(QuotaOperation operation) {
        return change(operation, -1);
    }

    private Mono<Void> change(QuotaOperation operation, int sign) {
        return Mono.fromCallable(() -> database.transaction("change the quota usage", connection -> {
            QuotaUsage.add(connection, database.dialect(), operation.quotaRoot().getValue(),
                sign * operation.count().asLong(), sign * operation.size().asLong());
            return true;
        })).subscribeOn(Schedulers.boundedElastic()).then();
    }

    @Override
    public Publisher<Void> setCurrentQuotas(QuotaOperation operation) {
        return Mono.fromCallable(() -> database.transaction("set the quota usage", connection -> {
            String root = operation.quotaRoot().getValue();
            MailboxDatabase.update(connection, "DELETE FROM MW_QUOTA_CURRENT WHERE QUOTA_ROOT = ?", root);
            if (operation.count().asLong() != 0 || operation.size().asLong() != 0) {
                MailboxDatabase.update(connection, "INSERT INTO MW_QUOTA_CURRENT (QUOTA_ROOT, MESSAGE_COUNT, STORAGE) VALUES (?, ?, ?)",
                    root, operation.count().asLong(), operation.size().asLong());
            }
            return true;
        })).subscribeOn(Schedulers.boundedElastic()).then();
    }
}
