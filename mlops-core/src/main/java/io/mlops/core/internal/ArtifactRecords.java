package io.mlops.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.IntegrityException;
import io.mlops.api.artifact.StoredObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The persisted forms of an artifact's digest record and of a folder's manifest, shared by every
 * store that keeps them as separate documents (local files, S3), so a store written by one
 * release or adapter reads the same through another.
 */
public final class ArtifactRecords {

    /** Where folder manifests live, under the store's reserved area. */
    static final String FOLDERS = ArtifactKeys.RESERVED + "/folders/";

    private ArtifactRecords() {
    }

    /** {@code {"format":1,"sha256":…,"size":…,"createdAt":…}}. */
    public static byte[] toJson(StoredObject object) {
        ObjectNode record = StoredFormats.mapper().createObjectNode()
                .put("format", StoredFormats.FORMAT_VERSION)
                .put("sha256", object.sha256())
                .put("size", object.size())
                .put("createdAt", object.createdAt());
        return write(record);
    }

    /** Reads a digest record; a damaged or newer-format record is an {@link IntegrityException}. */
    public static StoredObject fromJson(String key, byte[] json) {
        JsonNode record = read("digest record of artifact '" + key + "'", json);
        return new StoredObject(key, text(record, "sha256", key), record.path("size").asLong(), record.path("createdAt").asLong());
    }

    /** The reserved key under which the manifest of the folder {@code keyPrefix} is stored. */
    static String manifestKey(String keyPrefix) {
        return FOLDERS + keyPrefix + ".json";
    }

    static byte[] manifestToJson(String keyPrefix, List<StoredObject> files) {
        ObjectNode manifest = StoredFormats.mapper().createObjectNode()
                .put("format", StoredFormats.FORMAT_VERSION)
                .put("folder", keyPrefix);
        ArrayNode entries = manifest.putArray("files");
        for (StoredObject file : files) {
            entries.addObject()
                    .put("path", file.key().substring(keyPrefix.length() + 1))
                    .put("sha256", file.sha256())
                    .put("size", file.size());
        }
        return write(manifest);
    }

    /** The folder's files as they were when it was stored: full keys, digests and sizes. */
    static List<StoredObject> manifestFromJson(String keyPrefix, byte[] json, long createdAt) {
        String what = "manifest of folder '" + keyPrefix + "'";
        JsonNode manifest = read(what, json);
        List<StoredObject> files = new ArrayList<>();
        for (JsonNode entry : manifest.path("files")) {
            String path = text(entry, "path", keyPrefix);
            files.add(new StoredObject(ArtifactKeys.validate(keyPrefix + "/" + path), text(entry, "sha256", keyPrefix),
                    entry.path("size").asLong(), createdAt));
        }
        return files;
    }

    private static byte[] write(ObjectNode document) {
        try {
            return StoredFormats.mapper().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + document, e);
        }
    }

    private static JsonNode read(String what, byte[] json) {
        JsonNode document;
        try {
            document = StoredFormats.mapper().readTree(json);
        } catch (IOException e) {
            throw new IntegrityException(what + " is damaged: " + e.getMessage(), e);
        }
        int format = document == null ? -1 : document.path("format").asInt(-1);
        if (format != StoredFormats.FORMAT_VERSION) {
            throw new IntegrityException(what + " has format " + format + "; this release reads format "
                    + StoredFormats.FORMAT_VERSION);
        }
        return document;
    }

    private static String text(JsonNode node, String field, String key) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IntegrityException("record of '" + key + "' has no '" + field + "'");
        }
        return value.asText();
    }
}
