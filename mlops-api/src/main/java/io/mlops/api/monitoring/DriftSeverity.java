package io.mlops.api.monitoring;

/** How far a feature, or a whole data set, has moved from its baseline; ordered from least to most severe. */
public enum DriftSeverity {
    /** No drift, or too few rows to tell. */
    NONE,
    /** Drifted past the warning threshold: worth a look. */
    WARNING,
    /** Drifted past the alert threshold: the model no longer sees the data it was validated on. */
    ALERT;

    /** The more severe of the two. */
    public DriftSeverity max(DriftSeverity other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
