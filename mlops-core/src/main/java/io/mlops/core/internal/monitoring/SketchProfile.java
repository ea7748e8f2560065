package io.mlops.core.internal.monitoring;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.monitoring.DataProfile;
import io.mlops.api.monitoring.FeatureKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An immutable {@link DataProfile}: it owns its sketches and hands out only copies or read-only views. */
public final class SketchProfile implements DataProfile {
    private final Map<String, FeatureKind> schema;
    private final Map<String, FeatureSketch> sketches;
    private final long rows;
    /** A binary classifier's positive class, when the profile holds such predictions. */
    private final String positiveClass;

    /** Takes ownership of {@code sketches}: callers pass copies. */
    SketchProfile(Map<String, FeatureSketch> sketches, long rows, String positiveClass) {
        Map<String, FeatureKind> kinds = new LinkedHashMap<>();
        sketches.forEach((name, sketch) -> kinds.put(name, sketch.kind()));
        this.schema = Collections.unmodifiableMap(kinds);
        this.sketches = sketches;
        this.rows = rows;
        this.positiveClass = positiveClass;
        // KLL sorts and caches on its first query, in place and without locking: do it now, while
        // the profile is still private to this thread, so that the profile is immutable once published.
        sketches.values().forEach(FeatureSketch::prepareForReading);
    }

    /** The binary classifier's positive class its {@code prediction.score} is the probability of. */
    public java.util.Optional<String> positiveClass() {
        return java.util.Optional.ofNullable(positiveClass);
    }

    /** Any profile as ours: profiles from another implementation are read through their bytes. */
    public static SketchProfile of(DataProfile profile) {
        return profile instanceof SketchProfile own ? own : ProfileCodec.read(profile.toBytes());
    }

    /**
     * Reads {@link #toBytes()}.
     *
     * @throws InvalidArgumentException if the bytes are not a profile this release can read
     */
    public static SketchProfile read(byte[] bytes) {
        return ProfileCodec.read(bytes);
    }

    /** The input features' schema, without the prediction's: what a profiler for the same data takes. */
    public Map<String, FeatureKind> inputSchema() {
        Map<String, FeatureKind> inputs = new LinkedHashMap<>(schema);
        inputs.keySet().removeIf(PredictionFeatures::reserved);
        return inputs;
    }

    @Override
    public Map<String, FeatureKind> schema() {
        return schema;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public long count(String feature) {
        return sketch(feature).count();
    }

    @Override
    public long missing(String feature) {
        return sketch(feature).missing();
    }

    FeatureSketch sketch(String feature) {
        FeatureSketch sketch = sketches.get(feature);
        if (sketch == null) {
            throw new InvalidArgumentException("the profile has no feature '" + feature + "'; it has " + schema.keySet());
        }
        return sketch;
    }

    @Override
    public SketchProfile merge(DataProfile other) {
        SketchProfile that = of(other);
        if (!schema.equals(that.schema)) {
            throw new InvalidArgumentException("cannot merge profiles of different schemas: " + schema + " and " + that.schema);
        }
        if (positiveClass != null && that.positiveClass != null && !positiveClass.equals(that.positiveClass)) {
            throw new InvalidArgumentException("cannot merge profiles whose prediction.score is the probability of different"
                    + " classes: '" + positiveClass + "' and '" + that.positiveClass + "'");
        }
        Map<String, FeatureSketch> merged = new LinkedHashMap<>();
        sketches.forEach((name, sketch) -> {
            FeatureSketch copy = sketch.copy();
            copy.mergeFrom(that.sketches.get(name));
            merged.put(name, copy);
        });
        return new SketchProfile(merged, rows + that.rows, positiveClass != null ? positiveClass : that.positiveClass);
    }

    @Override
    public byte[] toBytes() {
        return ProfileCodec.write(this);
    }

    Map<String, FeatureSketch> sketches() {
        return Collections.unmodifiableMap(sketches);
    }

    @Override
    public String toString() {
        return "DataProfile[" + rows + " rows, " + schema + "]";
    }
}
