package io.mlops.api.data;

import java.util.List;
import java.util.Objects;

/**
 * The content of a dataset version: every file with its digest and size, ordered by path. The
 * version's digest is the sha256 of this manifest's canonical form, so the same files give the
 * same digest wherever and whenever they are logged, and changing one byte of one file, renaming
 * a file or adding one gives another.
 *
 * <p>Canonical form (format 1): the UTF-8 bytes of
 * {@code {"format":1,"files":[{"path":"a.csv","sha256":"…","size":12},…]}} with no white space,
 * files sorted by path in UTF-16 code unit order, strings escaped as JSON requires.
 *
 * @param digest  {@code sha256:<64 hex>} of the canonical form
 * @param entries the files, sorted by path
 */
public record DatasetManifest(String digest, List<ManifestEntry> entries) {
    public DatasetManifest {
        Objects.requireNonNull(digest, "digest");
        entries = List.copyOf(entries);
    }

    /** Total size of the files. */
    public long sizeBytes() {
        return entries.stream().mapToLong(ManifestEntry::sizeBytes).sum();
    }
}
