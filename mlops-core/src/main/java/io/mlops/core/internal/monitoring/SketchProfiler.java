package io.mlops.core.internal.monitoring;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.monitoring.DataProfiler;
import io.mlops.api.monitoring.FeatureKind;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds a {@link SketchProfile} row by row. Not thread-safe. */
public final class SketchProfiler implements DataProfiler {
    private final String[] names;
    private final FeatureSketch[] inputs;
    private final CategoricalSketch label = new CategoricalSketch();
    private final NumericSketch score = new NumericSketch();
    private long rows;
    /** A binary classifier's positive class: given (from a baseline) or taken from the first binary prediction. */
    private String positiveClass;

    /**
     * @param schema input features and their kinds, in report order
     * @throws InvalidArgumentException if a name is blank or reserved ({@code prediction.*})
     */
    public SketchProfiler(Map<String, FeatureKind> schema) {
        this(schema, null);
    }

    /**
     * A profiler whose {@code prediction.score} is the probability of {@code positiveClass}, as in
     * the baseline a window is compared with.
     */
    public SketchProfiler(Map<String, FeatureKind> schema, String positiveClass) {
        Objects.requireNonNull(schema, "schema");
        this.positiveClass = positiveClass;
        names = new String[schema.size()];
        inputs = new FeatureSketch[schema.size()];
        int i = 0;
        for (Map.Entry<String, FeatureKind> e : schema.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "feature name");
            if (name.isBlank() || PredictionFeatures.reserved(name)) {
                throw new InvalidArgumentException("feature name '" + name + "' is not allowed: names must not be blank or start with '"
                        + PredictionFeatures.PREFIX + "', which is kept for the prediction's own features");
            }
            names[i] = name;
            inputs[i] = Objects.requireNonNull(e.getValue(), "kind of " + name) == FeatureKind.NUMERIC
                    ? new NumericSketch() : new CategoricalSketch();
            i++;
        }
    }

    /** A profiler for data to compare with {@code baseline}: its input features and its positive class. */
    public static SketchProfiler like(SketchProfile baseline) {
        return new SketchProfiler(baseline.inputSchema(), baseline.positiveClass().orElse(null));
    }

    /** The schema for a scorer's features: numbers numeric, text and booleans categorical, vectors left out. */
    public static Map<String, FeatureKind> schemaOf(List<FeatureSpec> features) {
        Map<String, FeatureKind> schema = new LinkedHashMap<>();
        for (FeatureSpec f : features) {
            switch (f.type()) {
                case NUMBER -> schema.put(f.name(), FeatureKind.NUMERIC);
                case STRING, BOOLEAN -> schema.put(f.name(), FeatureKind.CATEGORICAL);
                case NUMBER_VECTOR -> {
                    // A whole tensor per row has no single distribution to compare; left out.
                }
            }
        }
        return schema;
    }

    @Override
    public SketchProfiler add(Map<String, ?> row) {
        Objects.requireNonNull(row, "row");
        rows++;
        for (int i = 0; i < names.length; i++) {
            Object value = row.get(names[i]);
            if (value == null) {
                inputs[i].addMissing();
            } else {
                inputs[i].add(value);
            }
        }
        return this;
    }

    @Override
    public SketchProfiler add(Map<String, ?> row, Prediction prediction) {
        Objects.requireNonNull(prediction, "prediction");
        add(row);
        addPrediction(prediction.label(), prediction.probabilities(), prediction.values());
        return this;
    }

    /** Adds a logged prediction's two features for the row last added. */
    public void addPrediction(java.util.Optional<String> predictedLabel, Map<String, Double> probabilities, List<Double> values) {
        if (positiveClass == null) {
            positiveClass = PredictionFeatures.positiveClass(probabilities).orElse(null);
        }
        addPrediction(predictedLabel.orElse(null), PredictionFeatures.score(predictedLabel, probabilities, values, positiveClass));
    }

    /** Adds the prediction's two features for the row last added. */
    void addPrediction(String predictedLabel, double predictedScore) {
        if (predictedLabel == null) {
            label.addMissing();
        } else {
            label.add(predictedLabel);
        }
        score.add(predictedScore);
    }

    /** Adds a column of values for a numeric feature, for rows counted separately with {@link #countRows}; the fast path for arrays. */
    public void addNumericColumn(String feature, double[] values, int offset, int length) {
        ((NumericSketch) input(feature, FeatureKind.NUMERIC)).addAll(values, offset, length);
    }

    /** Adds a column of values for a categorical feature, for rows counted separately with {@link #countRows}. */
    public void addCategoricalColumn(String feature, Object[] values, int offset, int length) {
        FeatureSketch sketch = input(feature, FeatureKind.CATEGORICAL);
        for (int i = offset; i < offset + length; i++) {
            sketch.add(values[i]);
        }
    }

    /** Counts rows whose values were added column by column. */
    public void countRows(long added) {
        rows += added;
    }

    private FeatureSketch input(String feature, FeatureKind kind) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(feature)) {
                if (inputs[i].kind() != kind) {
                    throw new InvalidArgumentException("feature '" + feature + "' is " + inputs[i].kind() + ", not " + kind);
                }
                return inputs[i];
            }
        }
        throw new InvalidArgumentException("the profiler has no feature '" + feature + "'; it has " + List.of(names));
    }

    @Override
    public SketchProfile profile() {
        Map<String, FeatureSketch> copies = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            copies.put(names[i], inputs[i].copy());
        }
        copies.put(PredictionFeatures.LABEL, label.copy());
        copies.put(PredictionFeatures.SCORE, score.copy());
        return new SketchProfile(copies, rows, positiveClass);
    }
}
