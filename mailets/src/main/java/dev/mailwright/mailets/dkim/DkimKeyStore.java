package dev.mailwright.mailets.dkim;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailets.dkim.DkimKey.State;

/**
 * The DKIM keys of the local domains, in the data folder ({@code var/dkim/DOMAIN/}: {@code keys.properties} lists
 * the selectors with their algorithm, state and creation time, {@code SELECTOR.pem} holds a key pair), readable by
 * the server's user only (directories 0700, files 0600). Every change is written to a new file then moved in place,
 * so a reader never sees half a key.
 *
 * <p>Rotation without a gap, with two selectors published at once: {@link #prepareRotation} makes a {@code NEXT}
 * key per algorithm, which the administrator publishes; {@link #completeRotation} (once its record is visible) makes
 * it {@code ACTIVE} and the old one {@code RETIRED}, still published so that mail signed with it verifies until it
 * is delivered; {@link #remove} then drops the retired key.
 */
@Singleton
public class DkimKeyStore {
    public static final String DEFAULT_LOCATION = "file://var/dkim/";
    private static final Logger LOGGER = LoggerFactory.getLogger(DkimKeyStore.class);
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern LINE = Pattern.compile("([a-z0-9-]+)=(rsa|ed25519) (active|next|retired) (\\S+)");
    private static final Pattern PEM = Pattern.compile("-----BEGIN (PRIVATE|PUBLIC) KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1 KEY-----");
    private static final DateTimeFormatter SELECTOR_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private record Cached(FileTime modified, List<DkimKey> keys) {
    }

    private final Path directory;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** At {@code file://var/dkim/}: the data folder of Mailwright, {@code var/} of a stock James. */
    @Inject
    public DkimKeyStore(FileSystem fileSystem) throws FileNotFoundException {
        this(fileSystem.getFile(DEFAULT_LOCATION).toPath(), Clock.systemUTC());
    }

    public DkimKeyStore(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** Every key of {@code domain} (none: an empty list), active first. */
    public List<DkimKey> keys(String domain) {
        String name = checked(domain);
        Path list = directory.resolve(name).resolve("keys.properties");
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(list);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cached cached = cache.get(name);
        if (cached != null && cached.modified().equals(modified)) {
            return cached.keys();
        }
        List<DkimKey> keys = read(name);
        cache.put(name, new Cached(modified, keys));
        return keys;
    }

    /** The keys that sign mail of {@code domain}. */
    public List<DkimKey> activeKeys(String domain) {
        return keys(domain).stream().filter(key -> key.state() == State.ACTIVE).toList();
    }

    /** A first, active key of {@code algorithm} for {@code domain}, unless it has one; returns the domain's keys. */
    public synchronized List<DkimKey> generate(String domain, DkimAlgorithm algorithm) {
        List<DkimKey> keys = new ArrayList<>(keys(domain));
        if (keys.stream().noneMatch(key -> key.algorithm() == algorithm && key.state() != State.RETIRED)) {
            keys.add(create(checked(domain), algorithm, State.ACTIVE, keys));
            write(checked(domain), keys);
            LOGGER.info("DKIM: new {} key for {}", algorithm.keyType(), domain);
        }
        return keys(domain);
    }

    /** A {@code NEXT} key per algorithm that has an active key and no next one; returns the new keys. */
    public synchronized List<DkimKey> prepareRotation(String domain) {
        String name = checked(domain);
        List<DkimKey> keys = new ArrayList<>(keys(name));
        List<DkimKey> created = new ArrayList<>();
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            boolean active = keys.stream().anyMatch(key -> key.algorithm() == algorithm && key.state() == State.ACTIVE);
            boolean next = keys.stream().anyMatch(key -> key.algorithm() == algorithm && key.state() == State.NEXT);
            if (active && !next) {
                DkimKey key = create(name, algorithm, State.NEXT, keys);
                keys.add(key);
                created.add(key);
            }
        }
        if (!created.isEmpty()) {
            write(name, keys);
        }
        return created;
    }

    /** The {@code NEXT} keys sign from now on; the keys they replace are {@code RETIRED}. Returns the domain's keys. */
    public synchronized List<DkimKey> completeRotation(String domain) {
        String name = checked(domain);
        List<DkimKey> keys = keys(name);
        Set<DkimAlgorithm> rotated = keys.stream().filter(key -> key.state() == State.NEXT).map(DkimKey::algorithm)
            .collect(java.util.stream.Collectors.toSet());
        if (rotated.isEmpty()) {
            throw new IllegalStateException("no rotation of " + name + " is under way (prepare one first)");
        }
        List<DkimKey> updated = keys.stream().map(key -> !rotated.contains(key.algorithm()) ? key
            : key.state() == State.NEXT ? key.withState(State.ACTIVE)
            : key.state() == State.ACTIVE ? key.withState(State.RETIRED) : key).toList();
        write(name, updated);
        LOGGER.info("DKIM: rotation of {} completed", name);
        return keys(name);
    }

    /** Drops a retired (or never activated) key; the active keys cannot be removed. */
    public synchronized void remove(String domain, String selector) {
        String name = checked(domain);
        List<DkimKey> keys = keys(name);
        DkimKey key = keys.stream().filter(k -> k.selector().equals(selector)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no DKIM selector " + selector + " for " + name));
        if (key.state() == State.ACTIVE) {
            throw new IllegalStateException("selector " + selector + " of " + name + " signs mail: rotate before removing it");
        }
        write(name, keys.stream().filter(k -> k != key).toList());
        try {
            Files.deleteIfExists(directory.resolve(name).resolve(selector + ".pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Domain names as directory names: lower case, letters, digits, hyphens and dots only. */
    static String checked(String domain) {
        String name = domain.strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.length() > 253 || !DOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + domain + "' is not a domain name");
        }
        return name;
    }

    private DkimKey create(String domain, DkimAlgorithm algorithm, State state, List<DkimKey> existing) {
        Instant now = clock.instant();
        String base = SELECTOR_DATE.format(now) + (algorithm == DkimAlgorithm.RSA ? "r" : "e");
        String selector = base;
        for (int n = 2; selectorTaken(domain, selector, existing); n++) {
            selector = base + n;
        }
        try {
            KeyPair pair = algorithm.generate();
            String pem = pem("PRIVATE", pair.getPrivate().getEncoded()) + pem("PUBLIC", pair.getPublic().getEncoded());
            writeSecret(directory.resolve(domain).resolve(selector + ".pem"), pem);
            return new DkimKey(domain, selector, algorithm, state, now, pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a " + algorithm.keyType() + " key: " + e.getMessage(), e);
        }
    }

    private boolean selectorTaken(String domain, String selector, List<DkimKey> existing) {
        return existing.stream().anyMatch(key -> key.selector().equals(selector))
            || Files.exists(directory.resolve(domain).resolve(selector + ".pem"));
    }

    private void write(String domain, List<DkimKey> keys) {
        StringBuilder text = new StringBuilder("# DKIM keys of ").append(domain)
            .append(" (Mailwright): selector=algorithm state created; the key pairs are in SELECTOR.pem\n");
        keys.stream().sorted(ORDER).forEach(key -> text.append(key.selector()).append('=').append(key.algorithm().keyType())
            .append(' ').append(key.state().name().toLowerCase(Locale.ROOT)).append(' ').append(key.created()).append('\n'));
        writeSecret(directory.resolve(domain).resolve("keys.properties"), text.toString());
        cache.remove(domain);
    }

    private static final Comparator<DkimKey> ORDER = Comparator.comparing(DkimKey::state)
        .thenComparing(DkimKey::algorithm).thenComparing(DkimKey::created);

    private List<DkimKey> read(String domain) {
        Path folder = directory.resolve(domain);
        List<DkimKey> keys = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(folder.resolve("keys.properties"), StandardCharsets.US_ASCII)) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                Matcher matcher = LINE.matcher(entry);
                if (!matcher.matches()) {
                    LOGGER.warn("DKIM: ignoring line '{}' of {}", entry, folder.resolve("keys.properties"));
                    continue;
                }
                DkimAlgorithm algorithm = DkimAlgorithm.parse(matcher.group(2));
                Optional<KeyPair> pair = readPair(folder.resolve(matcher.group(1) + ".pem"), algorithm);
                if (pair.isEmpty()) {
                    continue;
                }
                keys.add(new DkimKey(domain, matcher.group(1), algorithm, State.valueOf(matcher.group(3).toUpperCase(Locale.ROOT)),
                    Instant.parse(matcher.group(4)), pair.get().getPrivate(), pair.get().getPublic()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keys.sort(ORDER);
        return List.copyOf(keys);
    }

    private static Optional<KeyPair> readPair(Path file, DkimAlgorithm algorithm) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            PrivateKey privateKey = null;
            PublicKey publicKey = null;
            KeyFactory factory = KeyFactory.getInstance(algorithm.keyFactory());
            Matcher matcher = PEM.matcher(text);
            while (matcher.find()) {
                byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
                if (matcher.group(1).equals("PRIVATE")) {
                    privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
                } else {
                    publicKey = factory.generatePublic(new X509EncodedKeySpec(der));
                }
            }
            if (privateKey == null || publicKey == null) {
                LOGGER.warn("DKIM: {} does not hold a private and a public key; the selector is ignored", file);
                return Optional.empty();
            }
            return Optional.of(new KeyPair(publicKey, privateKey));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            LOGGER.warn("DKIM: cannot read {} ({}); the selector is ignored", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static String pem(String kind, byte[] der) {
        return "-----BEGIN " + kind + " KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + kind + " KEY-----\n";
    }

    /** Writes {@code file} readable by the owner only, through a temporary file moved in place. */
    private void writeSecret(Path file, String content) {
        try {
            createPrivateDirectory(directory);
            createPrivateDirectory(file.getParent());
            Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            if (posix(file.getParent())) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } else {
                Files.createFile(temporary);
            }
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createPrivateDirectory(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Files.createDirectories(folder.getParent());
        try {
            if (posix(folder.getParent())) {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                // the umask may have taken permissions away, never added: set exactly
                Files.setPosixFilePermissions(folder, OWNER_ONLY_DIRECTORY);
            } else {
                Files.createDirectory(folder);
            }
        } catch (FileAlreadyExistsException e) {
            // made at the same time by another thread
        }
    }

    private static boolean posix(Path folder) {
        return folder.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
