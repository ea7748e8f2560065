package io.mlops.api.serving;

/** What a scorer does with NaN in a numeric feature. */
public enum NanPolicy {
    /** Refuse the row with an {@link io.mlops.api.InvalidArgumentException} naming the feature (default). */
    REJECT,
    /** Pass NaN to the model, for models that treat it as "missing" (tree ensembles often do). */
    PASS_THROUGH
}
