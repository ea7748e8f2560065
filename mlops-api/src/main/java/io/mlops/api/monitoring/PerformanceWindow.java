package io.mlops.api.monitoring;

import java.util.OptionalDouble;

/**
 * A model's performance over the labelled predictions of a span, next to what its source run
 * recorded on the test set. The span can be longer than the drift window it is reported with:
 * outcomes arrive late.
 *
 * @param from              first instant of the span, epoch milliseconds (inclusive): predictions logged from then
 * @param to                end of the span, epoch milliseconds (exclusive)
 * @param labelledRows      predictions in the span with a ground-truth label that is one of the model's classes
 * @param accuracy          share of labelled predictions whose predicted label was right
 * @param auc               area under the ROC curve of the positive class's probability (binary classifiers)
 * @param referenceAccuracy the version's recorded test accuracy, if any
 * @param referenceAuc      the version's recorded test AUC, if any
 * @param degraded          whether accuracy or AUC fell further below its reference than the thresholds allow
 */
public record PerformanceWindow(long from, long to, long labelledRows, OptionalDouble accuracy, OptionalDouble auc,
        OptionalDouble referenceAccuracy, OptionalDouble referenceAuc, boolean degraded) {

    public PerformanceWindow {
        accuracy = accuracy == null ? OptionalDouble.empty() : accuracy;
        auc = auc == null ? OptionalDouble.empty() : auc;
        referenceAccuracy = referenceAccuracy == null ? OptionalDouble.empty() : referenceAccuracy;
        referenceAuc = referenceAuc == null ? OptionalDouble.empty() : referenceAuc;
    }
}
