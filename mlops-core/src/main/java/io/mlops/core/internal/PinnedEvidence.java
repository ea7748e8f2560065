package io.mlops.core.internal;

import io.mlops.api.ConflictException;
import io.mlops.api.IntegrityException;
import io.mlops.api.MlopsException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Evidence stored with a version (a golden set, a drift baseline): an artifact named by its
 * sha256 and pinned by a version tag holding that sha256, so that replacing it in the artifact
 * store is detected on every read.
 */
final class PinnedEvidence {

    private PinnedEvidence() {
    }

    /** {@code models/<name>/versions/<n>/<prefix>-<sha256>.json}. */
    static String keyOf(ModelVersion version, String prefix, String sha256) {
        return ArtifactKeys.validate("models/" + version.name() + "/versions/" + version.version() + "/" + prefix + "-"
                + sha256 + ".json");
    }

    /**
     * Refuses evidence for a version past NEW: evidence is fixed once approval is requested.
     *
     * @param what how messages name the evidence, e.g. "a golden set"
     */
    static void requireNew(ModelVersion version, String what) {
        if (version.status() != ModelVersionStatus.NEW) {
            throw new ConflictException("cannot attach " + what + " to " + version.uri() + ": it is " + version.status()
                    + "; " + what + " is evidence and is fixed once approval is requested. Register a new version");
        }
    }

    /**
     * Stores evidence under a key named by its sha256 ({@link #keyOf}).
     *
     * @return the stored sha256, which the caller pins in a tag written last
     */
    static String write(ArtifactStore artifacts, ModelVersion version, String prefix, byte[] bytes) {
        String key = keyOf(version, prefix, Digests.sha256Hex(bytes));
        return artifacts.put(key, new ByteArrayInputStream(bytes)).sha256();
    }

    /**
     * The bytes pinned by {@code shaTag}, checked against it; empty if the version has no such tag.
     *
     * @param what how messages name the evidence, e.g. "golden set"
     * @throws IntegrityException if the stored bytes are not the pinned ones
     */
    static Optional<byte[]> read(ArtifactStore artifacts, ModelVersion version, String shaTag, String prefix, String what) {
        String pinned = version.tags().get(shaTag);
        if (pinned == null) {
            return Optional.empty();
        }
        String key = keyOf(version, prefix, pinned);
        byte[] bytes;
        try (InputStream in = artifacts.open(key)) {
            bytes = in.readAllBytes();
        } catch (IntegrityException e) {
            // The store's own check fired first; say which model's evidence is affected.
            throw new IntegrityException("the " + what + " of " + version.uri() + " at '" + key + "' was replaced: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new MlopsException("cannot read the " + what + " of " + version.uri() + " at '" + key + "': " + e, e);
        }
        String actual = Digests.sha256Hex(bytes);
        if (!actual.equals(pinned)) {
            throw new IntegrityException("the " + what + " of " + version.uri() + " was pinned with sha256 " + pinned + " but '"
                    + key + "' now has sha256 " + actual + "; it was replaced");
        }
        return Optional.of(bytes);
    }
}
