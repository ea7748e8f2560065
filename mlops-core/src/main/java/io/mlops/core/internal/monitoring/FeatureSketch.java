package io.mlops.core.internal.monitoring;

import io.mlops.api.monitoring.FeatureKind;

/**
 * The mutable summary of one feature inside a profiler or profile. Not thread-safe: a
 * {@link SketchProfile} only ever hands out copies.
 */
sealed interface FeatureSketch permits NumericSketch, CategoricalSketch {

    FeatureKind kind();

    /** Values present. */
    long count();

    /** Values absent or unusable. */
    long missing();

    void addMissing();

    /** Adds a value of any type, counting it missing when it cannot be used. */
    void add(Object value);

    /** Adds every value of {@code other} (of the same kind) to this one. */
    void mergeFrom(FeatureSketch other);

    FeatureSketch copy();

    /** Does now whatever the first read would do to the sketch's state, so that later reads change nothing. */
    default void prepareForReading() {
    }
}
