package io.mlops.api.monitoring;

import java.util.OptionalDouble;

/**
 * A model's performance over the labelled predictions of a window, next to what its source run
 * recorded on the test set.
 *
 * @param labelledRows      predictions in the window with a ground-truth label
 * @param accuracy          share of labelled predictions whose predicted label was right
 * @param auc               area under the ROC curve of the positive class's probability (binary classifiers)
 * @param referenceAccuracy the version's recorded test accuracy, if any
 * @param referenceAuc      the version's recorded test AUC, if any
 * @param degraded          whether accuracy or AUC fell further below its reference than the thresholds allow
 */
public record PerformanceWindow(long labelledRows, OptionalDouble accuracy, OptionalDouble auc,
        OptionalDouble referenceAccuracy, OptionalDouble referenceAuc, boolean degraded) {

    public PerformanceWindow {
        accuracy = accuracy == null ? OptionalDouble.empty() : accuracy;
        auc = auc == null ? OptionalDouble.empty() : auc;
        referenceAccuracy = referenceAccuracy == null ? OptionalDouble.empty() : referenceAccuracy;
        referenceAuc = referenceAuc == null ? OptionalDouble.empty() : referenceAuc;
    }
}
