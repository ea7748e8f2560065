package io.mlops.core.internal;

import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The artifact store as {@code Mlops.artifacts()} hands it out: every call authorized, every
 * write and delete audited. The store itself stays unaware of principals.
 */
final class GovernedArtifactStore implements ArtifactStore {

    private final ArtifactStore store;
    private final Guard guard;

    GovernedArtifactStore(ArtifactStore store, Guard guard) {
        this.store = store;
        this.guard = guard;
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public StoredObject put(String key, InputStream content) {
        guard.require(Permission.WRITE_ARTIFACT, "artifacts.put", key);
        return recorded(store.put(key, content));
    }

    @Override
    public StoredObject put(String key, Path file) {
        guard.require(Permission.WRITE_ARTIFACT, "artifacts.put", key);
        return recorded(store.put(key, file));
    }

    @Override
    public List<StoredObject> putDirectory(String keyPrefix, Path directory) {
        guard.require(Permission.WRITE_ARTIFACT, "artifacts.putDirectory", keyPrefix);
        List<StoredObject> stored = store.putDirectory(keyPrefix, directory);
        guard.record("artifacts.putDirectory", keyPrefix, Map.of("after", Map.of("files", stored.size())));
        return stored;
    }

    private StoredObject recorded(StoredObject stored) {
        guard.record("artifacts.put", stored.key(), Map.of("after", Map.of("sha256", stored.sha256(),
                "size", stored.size())));
        return stored;
    }

    @Override
    public InputStream open(String key) {
        guard.require(Permission.READ, "artifacts.open", key);
        return store.open(key);
    }

    @Override
    public List<StoredObject> getDirectory(String keyPrefix, Path target) {
        guard.require(Permission.READ, "artifacts.getDirectory", keyPrefix);
        return store.getDirectory(keyPrefix, target);
    }

    @Override
    public Optional<StoredObject> stat(String key) {
        guard.require(Permission.READ, "artifacts.stat", key);
        return store.stat(key);
    }

    @Override
    public List<StoredObject> list(String keyPrefix) {
        guard.require(Permission.READ, "artifacts.list", keyPrefix);
        return store.list(keyPrefix);
    }

    @Override
    public Optional<URI> downloadUrl(String key, Duration validFor) {
        guard.require(Permission.SHARE_ARTIFACT, "artifacts.downloadUrl", key);
        Optional<URI> url = store.downloadUrl(key, validFor);
        // Who shared what, and for how long, is recorded; the link itself (a bearer credential) is not.
        url.ifPresent(u -> guard.record("artifacts.downloadUrl", key, Map.of("after", Map.of("validFor", validFor.toString()))));
        return url;
    }

    @Override
    public boolean delete(String key) {
        guard.require(Permission.DELETE, "artifacts.delete", key);
        // Read only to be recorded: with governance off nothing is.
        Optional<StoredObject> before = guard.enforced() ? store.stat(key) : Optional.empty();
        boolean deleted = store.delete(key);
        if (deleted) {
            guard.record("artifacts.delete", key, Map.of("before", before.<Map<String, Object>>map(o -> Map.of(
                    "sha256", o.sha256(), "size", o.size())).orElse(Map.of())));
        }
        return deleted;
    }

    /** The {@code Mlops} that owns the store closes it; closing this view does nothing. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
