package io.mlops.stores;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.core.internal.ArtifactKeys;
import io.mlops.core.internal.BaseArtifactStore;
import io.mlops.core.internal.Digests;
import io.mlops.core.internal.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An artifact store in the JVM's heap, for tests and quick experiments in JShell. Everything is
 * lost when the JVM exits. Thread-safe.
 *
 * <pre>{@code
 * ArtifactStore store = new InMemoryArtifactStore();
 * store.put("notes/readme.txt", new ByteArrayInputStream("hi".getBytes()));
 * }</pre>
 */
public final class InMemoryArtifactStore extends BaseArtifactStore {

    private record Entry(StoredObject object, byte[] bytes) {
    }

    private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();
    private final Clock clock;

    public InMemoryArtifactStore() {
        this(Clock.systemUTC());
    }

    public InMemoryArtifactStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String location() {
        return "mem:";
    }

    @Override
    protected StoredObject putValidated(String key, InputStream content) {
        byte[] bytes;
        try {
            bytes = content.readAllBytes();
        } catch (IOException e) {
            throw new MlopsException("cannot read the content to store as '" + key + "': " + e.getMessage(), e);
        }
        StoredObject candidate = new StoredObject(key, Digests.sha256Hex(bytes), bytes.length, clock.millis());
        Entry winner = objects.putIfAbsent(key, new Entry(candidate, bytes));
        if (winner == null) {
            return candidate;
        }
        if (winner.object().sha256().equals(candidate.sha256())) {
            return winner.object();
        }
        throw new AlreadyExistsException("artifact '" + key + "' already exists with sha256 " + winner.object().sha256()
                + "; artifacts are write-once, so different content (sha256 " + candidate.sha256() + ") needs a new key");
    }

    @Override
    protected InputStream openValidated(String key) {
        Entry entry = objects.get(key);
        if (entry == null) {
            throw new NotFoundException("artifact '" + key + "' does not exist in " + location());
        }
        return new VerifyingInputStream(new ByteArrayInputStream(entry.bytes()), key, entry.object().sha256(), entry.object().size());
    }

    @Override
    protected Optional<StoredObject> statValidated(String key) {
        Entry entry = objects.get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.object());
    }

    @Override
    protected List<StoredObject> listValidated(String keyPrefix) {
        return objects.tailMap(keyPrefix).entrySet().stream()
                .takeWhile(e -> e.getKey().startsWith(keyPrefix))
                .map(e -> e.getValue().object())
                .toList();
    }

    @Override
    protected boolean deleteValidated(String key) {
        return objects.remove(key) != null;
    }

    /** Replaces stored bytes without updating the digest: only for tests of integrity checks. */
    void replaceBytesForTesting(String key, byte[] bytes) {
        objects.computeIfPresent(key, (k, e) -> new Entry(e.object(), bytes.clone()));
    }

    /** Test hook reachable from the core's test package. */
    public static void tamper(InMemoryArtifactStore store, String key, byte[] bytes) {
        store.replaceBytesForTesting(key, bytes);
    }
}
