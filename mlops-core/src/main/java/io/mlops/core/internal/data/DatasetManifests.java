package io.mlops.core.internal.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.IntegrityException;
import io.mlops.api.data.DatasetManifest;
import io.mlops.api.data.ManifestEntry;
import io.mlops.core.internal.Digests;
import io.mlops.core.internal.StoredFormats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The canonical form of a dataset manifest (see {@link DatasetManifest}) and its digest. */
public final class DatasetManifests {

    /** Format written by this release; the digest of a version depends on it, so it never changes in place. */
    public static final int FORMAT = 1;
    public static final String DIGEST_PREFIX = "sha256:";

    private DatasetManifests() {
    }

    /** The canonical bytes of these entries, sorted by path. */
    public static byte[] canonicalBytes(List<ManifestEntry> entries) {
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(ManifestEntry::path));
        // Field order is fixed by construction (not by a mapper setting), which is what makes the form canonical.
        ObjectNode root = StoredFormats.mapper().createObjectNode();
        root.put("format", FORMAT);
        ArrayNode files = root.putArray("files");
        for (ManifestEntry e : sorted) {
            files.addObject().put("path", e.path()).put("sha256", e.sha256()).put("size", e.sizeBytes());
        }
        try {
            return StoredFormats.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a dataset manifest", e);
        }
    }

    public static DatasetManifest of(List<ManifestEntry> entries) {
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(ManifestEntry::path));
        return new DatasetManifest(DIGEST_PREFIX + Digests.sha256Hex(canonicalBytes(sorted)), sorted);
    }

    /**
     * Reads stored canonical bytes back, checking that they hash to {@code digest}: a manifest that
     * was changed in the store cannot pass for the version.
     */
    public static DatasetManifest parse(byte[] bytes, String digest) {
        String actual = DIGEST_PREFIX + Digests.sha256Hex(bytes);
        if (!actual.equals(digest)) {
            throw new IntegrityException("the stored manifest of dataset version " + digest + " hashes to " + actual
                    + "; it was changed after it was written");
        }
        JsonNode root;
        try {
            root = StoredFormats.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IntegrityException("the stored manifest of dataset version " + digest + " is not JSON", e);
        }
        if (root.path("format").asInt() != FORMAT) {
            throw new IntegrityException("the manifest of dataset version " + digest + " has format "
                    + root.path("format") + "; this release reads format " + FORMAT);
        }
        List<ManifestEntry> entries = new ArrayList<>();
        for (JsonNode f : root.path("files")) {
            entries.add(new ManifestEntry(f.path("path").asText(), f.path("sha256").asText(), f.path("size").asLong()));
        }
        return new DatasetManifest(digest, entries);
    }

    /** The 64 hex characters of a {@code sha256:} digest, or an exception naming what is valid. */
    public static String hexOf(String digest) {
        if (digest == null || !digest.startsWith(DIGEST_PREFIX) || digest.length() != DIGEST_PREFIX.length() + 64
                || !digest.substring(DIGEST_PREFIX.length()).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new io.mlops.api.InvalidArgumentException("dataset digest '" + digest
                    + "' is not 'sha256:' followed by 64 lowercase hex characters");
        }
        return digest.substring(DIGEST_PREFIX.length());
    }
}
