package io.mlops.core.internal.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.serving.Prediction;
import io.mlops.core.internal.StoredFormats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON a logged prediction is stored as, the same for every store:
 * {@code {"format":1,"inputs":{"age":41.0,"job":"admin."},"label":"no","probabilities":{"no":0.91,"yes":0.09}}}.
 * Built as a tree so that class probabilities keep the model's order, on which the positive class depends.
 */
public final class PredictionPayload {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PredictionPayload() {
    }

    /** A logged prediction read back. */
    public record Decoded(Map<String, Object> inputs, Optional<String> label, Map<String, Double> probabilities,
            List<Double> values) {
    }

    public static String write(Map<String, ?> row, Prediction prediction) {
        ObjectNode root = NODES.objectNode();
        root.put("format", StoredFormats.FORMAT_VERSION);
        ObjectNode inputs = root.putObject("inputs");
        row.forEach((name, value) -> inputs.set(name, valueNode(value)));
        prediction.label().ifPresent(label -> root.put("label", label));
        if (!prediction.probabilities().isEmpty()) {
            ObjectNode probabilities = root.putObject("probabilities");
            prediction.probabilities().forEach(probabilities::put);
        }
        if (!prediction.values().isEmpty()) {
            ArrayNode values = root.putArray("values");
            prediction.values().forEach(values::add);
        }
        return root.toString();
    }

    private static JsonNode valueNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return NODES.numberNode(n.doubleValue());
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof float[] floats) {
            ArrayNode array = NODES.arrayNode(floats.length);
            for (float f : floats) {
                array.add(f);
            }
            return array;
        }
        if (value instanceof double[] doubles) {
            ArrayNode array = NODES.arrayNode(doubles.length);
            for (double d : doubles) {
                array.add(d);
            }
            return array;
        }
        return NODES.textNode(value.toString());
    }

    public static Decoded read(String payload) {
        JsonNode root;
        try {
            root = StoredFormats.mapper().readTree(payload);
        } catch (IOException e) {
            throw new io.mlops.api.MlopsException("a logged prediction is not JSON: " + e.getMessage(), e);
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        root.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), value(e.getValue())));
        Optional<String> label = root.hasNonNull("label") ? Optional.of(root.get("label").asText()) : Optional.empty();
        Map<String, Double> probabilities = new LinkedHashMap<>();
        root.path("probabilities").fields().forEachRemaining(e -> probabilities.put(e.getKey(), e.getValue().asDouble()));
        List<Double> values = new ArrayList<>();
        root.path("values").forEach(v -> values.add(v.asDouble()));
        return new Decoded(Collections.unmodifiableMap(inputs), label, Collections.unmodifiableMap(probabilities),
                List.copyOf(values));
    }

    private static Object value(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isArray()) {
            List<Double> list = new ArrayList<>();
            node.forEach(v -> list.add(v.asDouble()));
            return list;
        }
        return node.asText();
    }
}
