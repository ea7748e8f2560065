package io.mlops.core.internal.monitoring;

import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.PerformanceWindow;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Accuracy and AUC over the labelled predictions of a window, in fixed memory: AUC from score
 * histograms of the positive and negative class (bins of 1/{@value #SCORE_BINS}, so the AUC is
 * exact up to ties within a bin). Not thread-safe.
 */
public final class PerformanceAccumulator {
    static final int SCORE_BINS = 4096;

    private long labelled;
    /** Labels that are none of the model's classes (a typo, another coding): counted apart, not as errors. */
    private long unknownLabels;
    private long withPredictedLabel;
    private long correct;
    private String positiveClass;
    private boolean binary = true;

    /** @param positiveClass the binary classifier's positive class from the baseline, or null to take it from the first row */
    public PerformanceAccumulator(String positiveClass) {
        this.positiveClass = positiveClass;
    }
    private final long[] positives = new long[SCORE_BINS];
    private final long[] negatives = new long[SCORE_BINS];

    /** Adds one prediction with its ground truth. */
    public void add(Optional<String> predictedLabel, Map<String, Double> probabilities, String actual) {
        if (!probabilities.isEmpty() && !probabilities.containsKey(actual)) {
            unknownLabels++;
            return;
        }
        labelled++;
        if (predictedLabel.isPresent()) {
            withPredictedLabel++;
            if (predictedLabel.get().equals(actual)) {
                correct++;
            }
        }
        if (!binary) {
            return;
        }
        if (probabilities.size() != 2) {
            binary = false; // not a binary classifier: AUC is not defined
            return;
        }
        if (positiveClass == null) {
            positiveClass = PredictionFeatures.positiveClass(probabilities).orElseThrow();
        }
        Double positiveScore = probabilities.get(positiveClass);
        if (positiveScore == null) {
            binary = false; // the classes changed between rows
            return;
        }
        double score = positiveScore;
        int bin = (int) Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(score * SCORE_BINS)));
        (positiveClass.equals(actual) ? positives : negatives)[bin]++;
    }

    public long labelled() {
        return labelled;
    }

    /** Labels left out because they are none of the model's classes. */
    public long unknownLabels() {
        return unknownLabels;
    }

    /**
     * The window's performance against the references, or empty when nothing was labelled.
     * Performance is called degraded only with at least {@link DriftThresholds#minRows()} labels.
     */
    public Optional<PerformanceWindow> result(long from, long to, OptionalDouble referenceAccuracy, OptionalDouble referenceAuc,
            DriftThresholds thresholds) {
        if (labelled == 0) {
            return Optional.empty();
        }
        OptionalDouble accuracy = withPredictedLabel == 0 ? OptionalDouble.empty()
                : OptionalDouble.of((double) correct / withPredictedLabel);
        double area = binary && positiveClass != null ? DriftStatistics.areaUnderRoc(positives, negatives) : Double.NaN;
        OptionalDouble auc = Double.isNaN(area) ? OptionalDouble.empty() : OptionalDouble.of(area);
        boolean enough = labelled >= thresholds.minRows();
        boolean degraded = enough && (fellBelow(accuracy, referenceAccuracy, thresholds.performanceDrop())
                || fellBelow(auc, referenceAuc, thresholds.performanceDrop()));
        return Optional.of(new PerformanceWindow(from, to, labelled, accuracy, auc, referenceAccuracy, referenceAuc, degraded));
    }

    private static boolean fellBelow(OptionalDouble actual, OptionalDouble reference, double drop) {
        return actual.isPresent() && reference.isPresent() && reference.getAsDouble() - actual.getAsDouble() > drop;
    }
}
