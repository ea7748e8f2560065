package io.mlops.core.internal.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.InvalidArgumentException;
import io.mlops.core.internal.StoredFormats;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored form of a profile: versioned JSON holding each sketch's own binary form (base64), so
 * that a profile written by one release, or by another language's DataSketches, stays readable.
 *
 * <pre>{@code
 * {"format":1,"rows":41188,"features":[
 *   {"name":"age","kind":"numeric","missing":0,"kll":"AgUPAAEAAAAI…"},
 *   {"name":"job","kind":"categorical","missing":0,"counts":{"admin.":10422,"blue-collar":9254,…}},
 *   {"name":"customer_id","kind":"categorical","missing":0,"frequent_items":"BAEKCgAAAA…"}]}
 * }</pre>
 */
final class ProfileCodec {
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final Base64.Decoder FROM_BASE64 = Base64.getDecoder();

    private ProfileCodec() {
    }

    static byte[] write(SketchProfile profile) {
        ObjectNode root = StoredFormats.mapper().createObjectNode();
        root.put("format", StoredFormats.FORMAT_VERSION);
        root.put("rows", profile.rows());
        profile.positiveClass().ifPresent(positive -> root.put("positive_class", positive));
        ArrayNode features = root.putArray("features");
        profile.sketches().forEach((name, sketch) -> {
            ObjectNode feature = features.addObject();
            feature.put("name", name);
            feature.put("missing", sketch.missing());
            if (sketch instanceof NumericSketch numeric) {
                feature.put("kind", "numeric");
                feature.put("kll", BASE64.encodeToString(numeric.toBytes()));
            } else {
                CategoricalSketch categorical = (CategoricalSketch) sketch;
                feature.put("kind", "categorical");
                if (categorical.exact()) {
                    ObjectNode counts = feature.putObject("counts");
                    new TreeMap<>(categorical.counts()).forEach(counts::put);
                } else {
                    feature.put("frequent_items", BASE64.encodeToString(categorical.frequentItemsBytes()));
                }
            }
        });
        try {
            return StoredFormats.mapper().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a profile", e);
        }
    }

    static SketchProfile read(byte[] bytes) {
        JsonNode root;
        try {
            root = StoredFormats.mapper().readTree(bytes);
        } catch (IOException e) {
            throw notAProfile("it is not JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject() || !root.path("format").isInt()) {
            throw notAProfile("it has no \"format\" number");
        }
        int format = root.get("format").asInt();
        if (format > StoredFormats.FORMAT_VERSION) {
            throw notAProfile("it has format " + format + ", newer than this release reads (" + StoredFormats.FORMAT_VERSION
                    + "); upgrade the SDK");
        }
        Map<String, FeatureSketch> sketches = new LinkedHashMap<>();
        try {
            for (JsonNode feature : root.withArray("features")) {
                String name = feature.path("name").asText("");
                long missing = feature.path("missing").asLong(0);
                String kind = feature.path("kind").asText("");
                FeatureSketch sketch = switch (kind) {
                    case "numeric" -> NumericSketch.restore(FROM_BASE64.decode(feature.path("kll").asText("")), missing);
                    case "categorical" -> feature.has("frequent_items")
                            ? CategoricalSketch.restoreFrequent(FROM_BASE64.decode(feature.get("frequent_items").asText()), missing)
                            : CategoricalSketch.restoreExact(counts(feature.path("counts")), missing);
                    default -> throw notAProfile("feature '" + name + "' has kind '" + kind + "'; expected numeric or categorical");
                };
                if (name.isEmpty() || sketches.put(name, sketch) != null) {
                    throw notAProfile("a feature name is empty or repeated: '" + name + "'");
                }
            }
        } catch (InvalidArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // Base64 and sketch decoders report damage as assorted runtime exceptions.
            throw notAProfile("a sketch is damaged (" + e + ")");
        }
        String positiveClass = root.hasNonNull("positive_class") ? root.get("positive_class").asText() : null;
        return new SketchProfile(sketches, root.path("rows").asLong(0), positiveClass);
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }

    private static InvalidArgumentException notAProfile(String why) {
        return new InvalidArgumentException("these bytes are not a data profile: " + why);
    }
}
