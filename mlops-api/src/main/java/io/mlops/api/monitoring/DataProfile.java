package io.mlops.api.monitoring;

import java.util.Map;

/**
 * A mergeable summary of a data set, in memory bounded whatever its row count: per numeric feature
 * a KLL quantile sketch, per categorical feature the value frequencies (exact up to a cardinality
 * limit, a frequent-items sketch beyond), and per feature the counts of present and missing values.
 * A version's baseline is one; so is each monitoring window, built incrementally from the
 * prediction log. Immutable and thread-safe.
 *
 * <pre>{@code
 * DataProfile day = monitoring.profiler(scorer.features()).addAll(rows).profile();
 * DataProfile week = monday.merge(tuesday);          // same as profiling both days at once
 * byte[] stored = week.toBytes();                     // DataProfile again through monitoring.readProfile
 * }</pre>
 */
public interface DataProfile {

    /**
     * Every input feature with its kind, in the order given when profiling began, followed by the
     * prediction's own two features: {@code prediction.label} (categorical, the predicted class)
     * and {@code prediction.score} (numeric: a regressor's value, a binary classifier's probability
     * of its second class, otherwise the predicted class's probability).
     */
    Map<String, FeatureKind> schema();

    /** Rows profiled. */
    long rows();

    /**
     * Rows where the feature had a value (for a numeric feature: a finite number).
     *
     * @throws io.mlops.api.InvalidArgumentException if the profile has no such feature
     */
    long count(String feature);

    /** Rows where the feature was absent, null, empty or (for a numeric feature) not a finite number. */
    long missing(String feature);

    /**
     * The profile of both data sets together.
     *
     * @throws io.mlops.api.InvalidArgumentException if the two schemas differ
     */
    DataProfile merge(DataProfile other);

    /** The stored form (versioned JSON with the sketches' own binary forms); read back with {@code Monitoring.readProfile}. */
    byte[] toBytes();
}
