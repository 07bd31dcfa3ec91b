package dev.mailwright.smtp.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToLongFunction;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.util.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes no new mail when the disk that holds the queues is nearly full (Postfix's {@code queue_minfree}): at MAIL
 * FROM, with less than {@code minFree} bytes free in {@code folder}, the client is told to come back later with
 * {@code 452 4.3.1 Insufficient system storage}. A mail that would get {@code 250} must fit on the disk; refusing
 * before DATA keeps a full disk from costing anyone a message. The free space is read at most once a second.
 *
 * <p>Parameters: {@code folder} (the data folder, {@code ${mailwright:data}}), {@code minFree} (default 100M).
 */
public class DiskSpaceGuard implements MailHook {
    static final long DEFAULT_MIN_FREE = 100L * 1024 * 1024;
    private static final Duration CACHE = Duration.ofSeconds(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(DiskSpaceGuard.class);
    private static final HookResult FULL = HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode("452").smtpDescription("4.3.1 Insufficient system storage, try again later").build();

    private final Clock clock;
    private final ToLongFunction<Path> usableSpace;
    private Path folder = Path.of(".");
    private long minFree = DEFAULT_MIN_FREE;
    private Instant readAt = Instant.MIN;
    private long lastFree;

    public DiskSpaceGuard() {
        this(Clock.systemUTC(), DiskSpaceGuard::usable);
    }

    DiskSpaceGuard(Clock clock, ToLongFunction<Path> usableSpace) {
        this.clock = clock;
        this.usableSpace = usableSpace;
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        String configured = configuration.getString("folder", "").strip();
        if (configured.isEmpty()) {
            throw new ConfigurationException("DiskSpaceGuard: <folder> is required (the data folder: ${mailwright:data})");
        }
        folder = Path.of(configured);
        try {
            minFree = Size.parse(configuration.getString("minFree", "100M")).asBytes();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("DiskSpaceGuard: minFree " + e.getMessage(), e);
        }
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        long free = freeSpace();
        if (free < minFree) {
            LOGGER.warn("smtp refused reason=\"disk nearly full: {} bytes free in {}, {} required\" client={}", free, folder,
                minFree, session.getRemoteAddress().getAddress().getHostAddress());
            return FULL;
        }
        return HookResult.DECLINED;
    }

    private synchronized long freeSpace() {
        Instant now = clock.instant();
        if (now.isAfter(readAt.plus(CACHE)) || now.isBefore(readAt)) {
            lastFree = usableSpace.applyAsLong(folder);
            readAt = now;
        }
        return lastFree;
    }

    private static long usable(Path folder) {
        try {
            return Files.getFileStore(folder).getUsableSpace();
        } catch (IOException e) {
            // an unreadable folder is no reason to refuse mail; the queue reports real write failures itself
            return Long.MAX_VALUE;
        }
    }
}
