package io.mlops.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.api.InvalidArgumentException;
import io.mlops.core.internal.StoredFormats;
import java.util.ArrayList;
import java.util.List;

/** Reads the one JSON shape this module takes from model metadata: an array of strings such as {@code ["age","job"]}. */
final class JsonStringArray {

    private JsonStringArray() {
    }

    /**
     * @param key  the metadata key, for error messages
     * @param text the metadata value
     * @throws InvalidArgumentException naming the key and the text if it is not a JSON array of strings
     */
    static List<String> parse(String key, String text) {
        JsonNode node;
        try {
            node = StoredFormats.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid(key, text, "it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isArray()) {
            throw invalid(key, text, "it is not a JSON array", null);
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw invalid(key, text, "element " + element + " is not a string", null);
            }
            values.add(element.textValue());
        }
        return List.copyOf(values);
    }

    private static InvalidArgumentException invalid(String key, String text, String why, Exception cause) {
        String shown = text.length() <= 80 ? text : text.substring(0, 77) + "...";
        String message = "model metadata '" + key + "' = '" + shown + "' is invalid: " + why
                + "; expected a JSON array of strings such as [\"no\",\"yes\"]";
        return cause == null ? new InvalidArgumentException(message) : new InvalidArgumentException(message, cause);
    }
}
