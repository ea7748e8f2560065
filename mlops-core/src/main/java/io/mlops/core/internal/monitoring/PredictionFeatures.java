package io.mlops.core.internal.monitoring;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The two features every profile keeps about predictions, and how a prediction maps to them: the
 * rule lives here once, for baselines, windows and performance alike.
 */
final class PredictionFeatures {
    /** The predicted class (classifiers). */
    static final String LABEL = "prediction.label";
    /**
     * The prediction as one number: a regressor's first value; a binary classifier's probability of
     * its positive class (the second of its classes in the model's order, by scikit-learn's,
     * Tribuo's and ONNX-ML's convention, recorded by name in the baseline so that a map in another
     * order cannot swap it); any other classifier's probability of the predicted class (its
     * confidence).
     */
    static final String SCORE = "prediction.score";
    static final String PREFIX = "prediction.";

    private PredictionFeatures() {
    }

    static boolean reserved(String feature) {
        return feature.startsWith(PREFIX);
    }

    /**
     * @param positiveClass the binary classifier's positive class as the baseline recorded it (or as
     *                      {@link #positiveClass} reads it from the first prediction); set whenever
     *                      the probabilities hold two classes
     */
    static double score(Optional<String> label, Map<String, Double> probabilities, java.util.List<Double> values,
            String positiveClass) {
        if (probabilities.size() == 2) {
            Double p = probabilities.get(positiveClass);
            return p == null ? Double.NaN : p;
        }
        if (!probabilities.isEmpty()) {
            Double p = label.map(probabilities::get).orElse(null);
            return p == null ? Double.NaN : p;
        }
        return values.isEmpty() ? Double.NaN : values.get(0);
    }

    /** The positive class of a binary classifier: the second of its two classes, in the model's order. */
    static Optional<String> positiveClass(Map<String, Double> probabilities) {
        if (probabilities.size() != 2) {
            return Optional.empty();
        }
        Iterator<String> classes = probabilities.keySet().iterator();
        classes.next();
        return Optional.of(classes.next());
    }
}
