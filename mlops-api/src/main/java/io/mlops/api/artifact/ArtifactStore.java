package io.mlops.api.artifact;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Stores artifacts (models, reports, data files) under keys, with the sha256 and size of every
 * object recorded when it is written and checked whenever it is read.
 *
 * <pre>{@code
 * StoredObject model = store.put("runs/" + runId + "/model.onnx", Path.of("model.onnx"));
 * try (InputStream in = store.open(model.key())) {
 *     byte[] bytes = in.readAllBytes(); // IntegrityException at the end if the bytes changed
 * }
 * }</pre>
 *
 * <h2>Keys</h2>
 * A key is a relative path of '/'-separated segments: no leading '/', no empty, {@code .} or
 * {@code ..} segments, no backslash or control characters, at most 1024 characters, and not under
 * the reserved top-level segment {@code .mlops}. Invalid keys raise
 * {@link io.mlops.api.InvalidArgumentException}.
 *
 * <h2>Immutability and atomicity</h2>
 * Objects are write-once: putting different bytes under an existing key raises
 * {@link io.mlops.api.AlreadyExistsException}; putting the same bytes again returns the existing
 * object. An object becomes visible only once all of its bytes and its digest are stored, so a
 * crash or a failed upload never leaves a partial object visible.
 *
 * <p>Implementations are thread-safe.
 */
public interface ArtifactStore extends AutoCloseable {

    /** Where this store keeps its objects, for example {@code file:/var/mlops/artifacts}. */
    String location();

    /** Stores everything {@code content} yields (the caller closes the stream). */
    StoredObject put(String key, InputStream content);

    /** Stores a file's bytes. */
    StoredObject put(String key, Path file);

    /**
     * Stores every regular file under {@code directory}, each under {@code keyPrefix + "/" +}
     * its relative path, in a stable order.
     */
    List<StoredObject> putDirectory(String keyPrefix, Path directory);

    /**
     * Opens an object for reading. The stream computes the sha256 as it is read and, on reaching the
     * end, raises {@link io.mlops.api.IntegrityException} if digest or size differ from the recorded
     * ones. Read it to the end before trusting the bytes.
     *
     * @throws io.mlops.api.NotFoundException if there is no such key
     */
    InputStream open(String key);

    /** Copies every object under {@code keyPrefix} into {@code target}, verifying each. */
    List<StoredObject> getDirectory(String keyPrefix, Path target);

    /** The recorded digest and size of one object, or empty if there is no such key. */
    Optional<StoredObject> stat(String key);

    /**
     * The objects whose keys start with {@code keyPrefix} (plain string prefix; use a trailing
     * '/' for a folder), sorted by key. An empty prefix lists everything.
     */
    List<StoredObject> list(String keyPrefix);

    /**
     * A time-limited link from which anyone holding it can download the object without
     * credentials, to share it outside the SDK; empty when the store cannot make one (the local
     * and in-memory stores cannot). The bytes behind the link are not verified by the SDK.
     *
     * <pre>{@code
     * store.downloadUrl("reports/model-card.md", Duration.ofHours(24)).ifPresent(url -> send(url));
     * }</pre>
     *
     * @param validFor from one second to seven days
     * @throws io.mlops.api.NotFoundException if there is no such key
     */
    Optional<URI> downloadUrl(String key, Duration validFor);

    /** Removes an object; returns whether it existed. */
    boolean delete(String key);

    /** Releases resources such as connections; the default does nothing. */
    @Override
    default void close() {
    }
}
