package io.mlops.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.IntegrityException;
import io.mlops.api.data.ColumnProfile;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.tracking.DatasetColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON forms in which structured values are persisted by every store (database columns,
 * artifact metadata). Each document carries a format version so that rows written by an older
 * release keep loading. Stores must use these forms rather than their own, so that a database
 * written through one adapter is readable through another.
 */
public final class StoredFormats {

    /** Version written into every document by this release. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private StoredFormats() {
    }

    /** The shared mapper, configured for stable output. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    public static String signatureToJson(ModelSignature signature) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT_VERSION);
        root.set("inputs", specsToJson(signature.inputs()));
        root.set("outputs", specsToJson(signature.outputs()));
        root.set("metadata", JSON.valueToTree(new TreeMap<>(signature.metadata())));
        return write(root);
    }

    public static ModelSignature signatureFromJson(String json) {
        if (json == null || json.isBlank()) {
            return ModelSignature.EMPTY;
        }
        JsonNode root = read(json, "model signature");
        checkFormat(root, "model signature");
        Map<String, String> metadata = JSON.convertValue(root.path("metadata"), new TypeReference<LinkedHashMap<String, String>>() { });
        return new ModelSignature(specsFromJson(root.path("inputs")), specsFromJson(root.path("outputs")),
                metadata == null ? Map.of() : metadata);
    }

    public static String schemaToJson(List<DatasetColumn> columns) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT_VERSION);
        ArrayNode cols = root.putArray("columns");
        for (DatasetColumn c : columns) {
            cols.addObject().put("name", c.name()).put("type", c.type());
        }
        return write(root);
    }

    public static List<DatasetColumn> schemaFromJson(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonNode root = read(json, "dataset schema");
        checkFormat(root, "dataset schema");
        List<DatasetColumn> columns = new ArrayList<>();
        for (JsonNode c : root.path("columns")) {
            columns.add(new DatasetColumn(c.path("name").asText(), c.path("type").asText()));
        }
        return columns;
    }

    public static String profileToJson(List<ColumnProfile> profile) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT_VERSION);
        ArrayNode cols = root.putArray("columns");
        for (ColumnProfile c : profile) {
            ObjectNode n = cols.addObject();
            n.put("name", c.name()).put("type", c.type()).put("count", c.count()).put("missing", c.missing());
            c.distinct().ifPresent(d -> n.put("distinct", d));
            c.min().ifPresent(v -> n.put("min", v));
            c.max().ifPresent(v -> n.put("max", v));
            c.mean().ifPresent(v -> n.put("mean", v));
            if (!c.quantiles().isEmpty()) {
                ArrayNode q = n.putArray("quantiles");
                c.quantiles().forEach((rank, value) -> q.addArray().add(rank).add(value));
            }
            if (!c.topValues().isEmpty()) {
                // An array of pairs, not an object: the order (most frequent first) is part of the value.
                ArrayNode top = n.putArray("topValues");
                c.topValues().forEach((value, count) -> top.addArray().add(value).add(count));
            }
        }
        return write(root);
    }

    public static List<ColumnProfile> profileFromJson(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonNode root = read(json, "dataset profile");
        checkFormat(root, "dataset profile");
        List<ColumnProfile> profile = new ArrayList<>();
        for (JsonNode c : root.path("columns")) {
            Map<Double, Double> quantiles = new LinkedHashMap<>();
            c.path("quantiles").forEach(pair -> quantiles.put(pair.get(0).asDouble(), pair.get(1).asDouble()));
            Map<String, Long> top = new LinkedHashMap<>();
            c.path("topValues").forEach(pair -> top.put(pair.get(0).asText(), pair.get(1).asLong()));
            profile.add(new ColumnProfile(c.path("name").asText(), c.path("type").asText(), c.path("count").asLong(),
                    c.path("missing").asLong(),
                    c.has("distinct") ? java.util.OptionalLong.of(c.get("distinct").asLong()) : java.util.OptionalLong.empty(),
                    optionalDouble(c, "min"), optionalDouble(c, "max"), optionalDouble(c, "mean"), quantiles, top));
        }
        return profile;
    }

    private static java.util.OptionalDouble optionalDouble(JsonNode node, String field) {
        return node.has(field) ? java.util.OptionalDouble.of(node.get(field).asDouble()) : java.util.OptionalDouble.empty();
    }

    /** A string map as a JSON object with sorted keys (stable, so equal maps give equal text). */
    public static String mapToJson(Map<String, String> map) {
        return write(JSON.valueToTree(new TreeMap<>(map)));
    }

    public static Map<String, String> mapFromJson(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IntegrityException("stored map is not valid JSON: " + abbreviate(json), e);
        }
    }

    private static ArrayNode specsToJson(List<TensorSpec> specs) {
        ArrayNode array = JSON.createArrayNode();
        for (TensorSpec s : specs) {
            ObjectNode n = array.addObject();
            n.put("name", s.name());
            n.put("kind", s.kind().name());
            n.put("type", s.type().name());
            if (s.keyType() != DataType.UNDEFINED) {
                n.put("keyType", s.keyType().name());
            }
            ArrayNode shape = n.putArray("shape");
            s.shape().forEach(shape::add);
        }
        return array;
    }

    private static List<TensorSpec> specsFromJson(JsonNode array) {
        List<TensorSpec> specs = new ArrayList<>();
        for (JsonNode n : array) {
            List<Long> shape = new ArrayList<>();
            n.path("shape").forEach(d -> shape.add(d.asLong()));
            specs.add(new TensorSpec(n.path("name").asText(),
                    ValueKind.valueOf(n.path("kind").asText("OTHER")),
                    DataType.valueOf(n.path("type").asText("UNDEFINED")),
                    DataType.valueOf(n.path("keyType").asText("UNDEFINED")),
                    shape));
        }
        return specs;
    }

    private static void checkFormat(JsonNode root, String what) {
        int format = root.path("format").asInt(-1);
        if (format < 1 || format > FORMAT_VERSION) {
            throw new IntegrityException("stored " + what + " has format " + format
                    + "; this release reads formats 1.." + FORMAT_VERSION);
        }
    }

    private static JsonNode read(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IntegrityException("stored " + what + " is not valid JSON: " + abbreviate(json), e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + node.getNodeType(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
