package io.mlops.api.serving;

import io.mlops.api.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The model's answer for one row.
 *
 * <pre>{@code
 * Prediction p = scorer.score(Map.of("age", 41, "job", "admin.", ...));
 * String label = p.label().orElseThrow();       // "yes"
 * double pYes = p.probability("yes");           // 0.23
 * }</pre>
 *
 * @param kind          how the outputs were interpreted
 * @param label         the predicted class (int64 labels as decimal text); empty unless classification
 * @param probabilities class label to probability, in the model's class order; empty if the model gives none
 * @param values        regression values; empty unless regression
 * @param outputs       every output of the model for this row, by output name: a boxed scalar, a
 *                      primitive array for a tensor row, or a {@code Map} for a ZipMap row
 */
public record Prediction(
        PredictionKind kind,
        Optional<String> label,
        Map<String, Double> probabilities,
        List<Double> values,
        Map<String, Object> outputs) {

    public Prediction {
        Objects.requireNonNull(kind, "kind");
        label = label == null ? Optional.empty() : label;
        probabilities = probabilities == null ? Map.of() : probabilities;
        values = values == null ? List.of() : List.copyOf(values);
        outputs = outputs == null ? Map.of() : outputs;
    }

    /**
     * The probability of one class.
     *
     * @throws InvalidArgumentException naming the class and the model's classes if it has no such class
     */
    public double probability(String classLabel) {
        Double p = probabilities.get(classLabel);
        if (p == null) {
            throw new InvalidArgumentException("class '" + classLabel + "' is not one of the model's classes "
                    + probabilities.keySet());
        }
        return p;
    }
}
