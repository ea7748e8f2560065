package io.mlops.api.artifact;

import java.util.Objects;

/**
 * One object in an artifact store, with the digest computed when it was written.
 *
 * @param key       the store key, a relative '/'-separated path such as {@code runs/4f…/model.onnx}
 * @param sha256    64 lowercase hex characters
 * @param size      length in bytes
 * @param createdAt epoch milliseconds
 */
public record StoredObject(String key, String sha256, long size, long createdAt) {
    public StoredObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " is negative");
        }
    }
}
