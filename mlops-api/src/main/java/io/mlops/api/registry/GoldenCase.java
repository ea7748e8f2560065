package io.mlops.api.registry;

import io.mlops.api.serving.Prediction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One known input of a golden set with the answer the model must give.
 *
 * @param input         feature name to value (numbers, strings, booleans), as given to {@code Scorer.score}
 * @param label         the expected class; empty when not checked
 * @param probabilities expected class probabilities; each is checked within the set's tolerance
 * @param values        expected regression values, checked within the tolerance
 */
public record GoldenCase(Map<String, Object> input, Optional<String> label, Map<String, Double> probabilities,
        List<Double> values) {

    public GoldenCase {
        Objects.requireNonNull(input, "input");
        input = Collections.unmodifiableMap(new LinkedHashMap<>(input));
        label = label == null ? Optional.empty() : label;
        probabilities = probabilities == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
        values = values == null ? List.of() : List.copyOf(values);
        if (label.isEmpty() && probabilities.isEmpty() && values.isEmpty()) {
            throw new IllegalArgumentException("golden case for input " + input + " expects nothing; give a label,"
                    + " probabilities or values");
        }
    }

    /** The case that expects exactly what {@code expected} says (its label, probabilities and values). */
    public static GoldenCase of(Map<String, Object> input, Prediction expected) {
        return new GoldenCase(input, expected.label(), expected.probabilities(), expected.values());
    }
}
