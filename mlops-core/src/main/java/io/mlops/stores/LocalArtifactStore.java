package io.mlops.stores;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.IntegrityException;
import io.mlops.api.NotFoundException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.core.internal.ArtifactKeys;
import io.mlops.core.internal.ArtifactRecords;
import io.mlops.core.internal.BaseArtifactStore;
import io.mlops.core.internal.Digests;
import io.mlops.core.internal.DurableFiles;
import io.mlops.core.internal.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Artifacts as plain files in a local folder, for a laptop, a shared network drive or tests.
 *
 * <pre>{@code
 * ArtifactStore store = LocalArtifactStore.open(Path.of("/var/mlops/artifacts"));
 * StoredObject model = store.put("runs/" + runId + "/model.onnx", Path.of("model.onnx"));
 * }</pre>
 *
 * <h2>Layout</h2>
 * The bytes of key {@code a/b.onnx} are the file {@code <root>/a/b.onnx}, so the folder can be
 * browsed directly. Its digest record is the JSON file {@code <root>/.mlops/meta/a/b.onnx} (format
 * version 1: sha256, size, creation time): the record tree mirrors the data tree, so a key that
 * clashes with another (a file where a folder is needed) is refused before anything is written.
 * An object exists exactly when its record exists.
 *
 * <h2>Atomicity</h2>
 * Content is written to a temporary file in the store, flushed to disk, then moved into place,
 * and only then is the digest record moved into place, each with an atomic rename. A crash at
 * any point leaves either the previous state or the complete object; leftover temporary files
 * are invisible and cleaned up when the store is next opened.
 *
 * <p>Thread-safe within one JVM. Several processes may share the folder for reading and for
 * writing different keys.
 */
public final class LocalArtifactStore extends BaseArtifactStore {

    private static final long LEFTOVER_AGE_MILLIS = 24L * 60 * 60 * 1000;

    private final Path root;
    private final Path metaRoot;
    private final Path tmpRoot;
    private final Clock clock;
    private final ConcurrentHashMap<String, Object> keyLocks = new ConcurrentHashMap<>();

    private LocalArtifactStore(Path root, Clock clock) {
        this.root = root;
        this.metaRoot = root.resolve(ArtifactKeys.RESERVED).resolve("meta");
        this.tmpRoot = root.resolve(ArtifactKeys.RESERVED).resolve("tmp");
        this.clock = clock;
    }

    /** Opens (creating if needed) a store rooted at {@code root}. */
    public static LocalArtifactStore open(Path root) {
        return open(root, Clock.systemUTC());
    }

    public static LocalArtifactStore open(Path root, Clock clock) {
        Path absolute = root.toAbsolutePath().normalize();
        LocalArtifactStore store = new LocalArtifactStore(absolute, clock);
        try {
            Files.createDirectories(store.metaRoot);
            Files.createDirectories(store.tmpRoot);
            store.removeLeftoverTemporaryFiles();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create artifact folder '" + absolute + "': " + e, e);
        }
        return store;
    }

    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toUri().toString();
    }

    @Override
    protected StoredObject putValidated(String key, InputStream content) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(tmpRoot, "put-", ".tmp");
            MessageDigest digest = Digests.sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                size = content.transferTo(out);
            }
            DurableFiles.force(tmp);
            StoredObject candidate = new StoredObject(key, Digests.hex(digest), size, clock.millis());
            synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
                Optional<StoredObject> existing = statValidated(key);
                if (existing.isPresent()) {
                    if (existing.get().sha256().equals(candidate.sha256())) {
                        return existing.get();
                    }
                    throw new AlreadyExistsException("artifact '" + key + "' already exists with sha256 "
                            + existing.get().sha256() + "; artifacts are write-once, so different content (sha256 "
                            + candidate.sha256() + ") needs a new key");
                }
                Path target = dataPath(key);
                createParentFolders(key, target);
                // Bytes first, record last: without its record the file is not an object, so a
                // crash between the two renames leaves nothing visible.
                DurableFiles.moveAtomically(tmp, target, "the local artifact store");
                tmp = null;
                // The rename must be durable before the record that makes the object visible.
                DurableFiles.forceDirectory(target.getParent());
                writeRecord(candidate);
                return candidate;
            }
        } catch (IOException e) {
            throw unavailable("store", key, e);
        } finally {
            DurableFiles.deleteQuietly(tmp);
        }
    }

    @Override
    protected InputStream openValidated(String key) {
        StoredObject object = statValidated(key).orElseThrow(() -> new NotFoundException(
                "artifact '" + key + "' does not exist in " + location()));
        try {
            return VerifyingInputStream.hashingAlongside(Files.newInputStream(dataPath(key)), key, object.sha256(),
                    object.size());
        } catch (NoSuchFileException e) {
            throw new IntegrityException("artifact '" + key + "' is recorded (sha256 " + object.sha256()
                    + ") but its file '" + dataPath(key) + "' is missing", e);
        } catch (IOException e) {
            throw unavailable("open", key, e);
        }
    }

    @Override
    protected Optional<StoredObject> statValidated(String key) {
        Path record = recordPath(key);
        if (!Files.isRegularFile(record)) {
            // Absent, or a folder of other keys, or under a key that is a file: not an object.
            return Optional.empty();
        }
        try {
            return Optional.of(ArtifactRecords.fromJson(key, Files.readAllBytes(record)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable("read the record of", key, e);
        }
    }

    @Override
    protected List<StoredObject> listValidated(String keyPrefix) {
        // Walk only the deepest folder the prefix names, not the whole store.
        int lastSlash = keyPrefix.lastIndexOf('/');
        Path start = lastSlash < 0 ? metaRoot : metaRoot.resolve(keyPrefix.substring(0, lastSlash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(start)) {
            for (Path record : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String key = ArtifactKeys.relativePath(metaRoot, record);
                if (key.startsWith(keyPrefix)) {
                    try {
                        objects.add(ArtifactRecords.fromJson(key, Files.readAllBytes(record)));
                    } catch (NoSuchFileException deletedMeanwhile) {
                        // deleted by another thread while listing: not part of the answer
                    }
                }
            }
        } catch (IOException e) {
            throw unavailable("list", keyPrefix, e);
        }
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    protected boolean deleteValidated(String key) {
        synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
            try {
                // Record first, so the object disappears in one step.
                boolean existed = Files.deleteIfExists(recordPath(key));
                Files.deleteIfExists(dataPath(key));
                return existed;
            } catch (IOException e) {
                throw unavailable("delete", key, e);
            }
        }
    }

    /** The file holding an object's bytes, for tools that read the folder directly. */
    public Path dataPath(String key) {
        return root.resolve(key);
    }

    private void createParentFolders(String key, Path target) throws IOException {
        try {
            Files.createDirectories(target.getParent());
        } catch (FileAlreadyExistsException e) {
            throw new AlreadyExistsException("artifact key '" + key + "' cannot be stored: a part of its path, '"
                    + root.relativize(Path.of(e.getFile())) + "', is already an artifact", e);
        }
        if (Files.isDirectory(target)) {
            throw new AlreadyExistsException("artifact key '" + key + "' cannot be stored: it is a folder of other artifacts");
        }
    }

    private Path recordPath(String key) {
        return metaRoot.resolve(key);
    }

    private void writeRecord(StoredObject object) throws IOException {
        Path target = recordPath(object.key());
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(tmpRoot, "record-", ".tmp");
        try {
            Files.write(tmp, ArtifactRecords.toJson(object));
            DurableFiles.force(tmp);
            DurableFiles.moveAtomically(tmp, target, "the local artifact store");
            tmp = null;
            DurableFiles.forceDirectory(target.getParent());
        } finally {
            DurableFiles.deleteQuietly(tmp);
        }
    }

    private void removeLeftoverTemporaryFiles() throws IOException {
        // Only old files: a younger one may belong to another process writing right now.
        long cutoff = clock.millis() - LEFTOVER_AGE_MILLIS;
        try (Stream<Path> leftovers = Files.list(tmpRoot)) {
            for (Path file : (Iterable<Path>) leftovers::iterator) {
                if (Files.getLastModifiedTime(file).toMillis() < cutoff) {
                    DurableFiles.deleteQuietly(file);
                }
            }
        }
    }
}
