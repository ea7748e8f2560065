package io.mlops.core.internal.monitoring;

import io.mlops.api.serving.Prediction;
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
     * its second class (the positive class by scikit-learn's, Tribuo's and ONNX-ML's ordering); any
     * other classifier's probability of the predicted class (its confidence).
     */
    static final String SCORE = "prediction.score";
    static final String PREFIX = "prediction.";

    private PredictionFeatures() {
    }

    static boolean reserved(String feature) {
        return feature.startsWith(PREFIX);
    }

    static double score(Optional<String> label, Map<String, Double> probabilities, java.util.List<Double> values) {
        if (probabilities.size() == 2) {
            return positiveProbability(probabilities);
        }
        if (!probabilities.isEmpty()) {
            Double p = label.map(probabilities::get).orElse(null);
            return p == null ? Double.NaN : p;
        }
        return values.isEmpty() ? Double.NaN : values.get(0);
    }

    static double score(Prediction prediction) {
        return score(prediction.label(), prediction.probabilities(), prediction.values());
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

    private static double positiveProbability(Map<String, Double> probabilities) {
        Iterator<Double> p = probabilities.values().iterator();
        p.next();
        Double positive = p.next();
        return positive == null ? Double.NaN : positive;
    }
}
