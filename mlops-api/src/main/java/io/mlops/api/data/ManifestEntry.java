package io.mlops.api.data;

import java.util.Objects;

/**
 * One file of a dataset version.
 *
 * @param path      relative path inside the version, with {@code /} separators
 * @param sha256    lowercase hex digest of the file's bytes
 * @param sizeBytes length of the file
 */
public record ManifestEntry(String path, String sha256, long sizeBytes) {
    public ManifestEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size of '" + path + "' is negative: " + sizeBytes);
        }
    }
}
