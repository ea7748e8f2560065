package io.mlops.api.serving;

/** What a model's outputs were understood as. */
public enum PredictionKind {
    /** A class label, usually with per-class probabilities. */
    CLASSIFICATION,
    /** One or more real numbers per row. */
    REGRESSION,
    /** Outputs the scorer does not interpret; see {@link Prediction#outputs()}. */
    RAW
}
