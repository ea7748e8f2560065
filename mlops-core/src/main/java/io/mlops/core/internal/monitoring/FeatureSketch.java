package io.mlops.core.internal.monitoring;

import io.mlops.api.monitoring.FeatureKind;

/**
 * The mutable summary of one feature inside a profiler or profile: its values, by kind, and the
 * count of rows where it was missing. Not thread-safe: a {@link SketchProfile} only ever hands out
 * copies.
 */
abstract sealed class FeatureSketch permits NumericSketch, CategoricalSketch {
    private long missing;

    FeatureSketch(long missing) {
        this.missing = missing;
    }

    abstract FeatureKind kind();

    /** Values present. */
    abstract long count();

    /** Values absent or unusable. */
    final long missing() {
        return missing;
    }

    final void addMissing() {
        missing++;
    }

    /** Adds a value of any type, counting it missing when it cannot be used. */
    abstract void add(Object value);

    /** Adds every value, and every missing one, of {@code other} (of the same kind) to this one. */
    final void mergeFrom(FeatureSketch other) {
        missing += other.missing;
        mergeValuesFrom(other);
    }

    abstract void mergeValuesFrom(FeatureSketch other);

    abstract FeatureSketch copy();

    /** Does now whatever the first read would do to the sketch's state, so that later reads change nothing. */
    void prepareForReading() {
    }
}
