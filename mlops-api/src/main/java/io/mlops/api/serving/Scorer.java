package io.mlops.api.serving;

import io.mlops.api.registry.ModelVersion;
import java.util.List;
import java.util.Map;

/**
 * Scores rows with one loaded model version, in-process.
 *
 * <pre>{@code
 * try (Scorer scorer = mlops.scorer("models:/bank-term-deposit@champion")) {
 *     Prediction p = scorer.score(Map.of("age", 41.0, "job", "admin.", "marital", "married"));
 *     double pYes = p.probability("yes");
 * }
 * }</pre>
 *
 * <h2>Rows</h2>
 * A row maps feature names to values. For a model with one input per feature, the names are the
 * input names; numeric inputs take any {@link Number}, string inputs take {@link String}. For a
 * model with one {@code [N, F]} input, the row either names the input with an array of F numbers,
 * or names each of the F features when the model lists them. A missing, unknown or mistyped
 * feature, NaN under {@link NanPolicy#REJECT}, and a batch above the configured maximum raise
 * {@link io.mlops.api.InvalidArgumentException} naming the feature and what was expected.
 *
 * <p>Thread-safe: share one scorer across threads. Close it to release native memory.
 */
public interface Scorer extends AutoCloseable {

    /** The version being served. */
    ModelVersion version();

    /**
     * The features a row may name, in the model's order, with the type each must have; empty
     * when the model is served only through {@link #scoreTensors}.
     */
    List<FeatureSpec> features();

    /** Scores one row. */
    Prediction score(Map<String, ?> row);

    /**
     * Scores one row under the caller's request id. A model server that logs predictions records
     * the id, so that the ground truth can be joined later with
     * {@code mlops.monitoring().recordLabel(model, requestId, label)}; other scorers ignore it.
     *
     * <pre>{@code
     * Prediction p = scorer.score(application.id(), row);
     * }</pre>
     */
    default Prediction score(String requestId, Map<String, ?> row) {
        return score(row);
    }

    /**
     * Scores rows under the caller's request ids, one per row, in the same order; see
     * {@link #score(String, Map)}. Scorers that do not log predictions ignore the ids.
     */
    default List<Prediction> scoreBatch(List<String> requestIds, List<? extends Map<String, ?>> rows) {
        return scoreBatch(rows);
    }

    /** Scores many rows in one call of the runtime; results are in row order. */
    List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows);

    /**
     * Scores a batch given column by column, with the same results as {@link #scoreBatch} on the
     * equivalent row maps and under the same rules: what row maps would refuse is refused, with an
     * {@link io.mlops.api.InvalidArgumentException} naming the column and, for a bad value, its row
     * in the batch. The ONNX scorer checks the whole batch before any of it runs, then reads each
     * typed column in one pass into the model's input buffers, which makes this the fastest way to
     * score many rows; this default scores the rows through {@link FeatureColumns#asRows()}.
     *
     * <pre>{@code
     * FeatureColumns batch = FeatureColumns.builder()
     *         .numbers("age", new double[] {41, 29})
     *         .strings("job", new String[] {"admin.", "technician"})
     *         .build();
     * List<Prediction> predictions = scorer.scoreColumns(batch);
     * }</pre>
     */
    default List<Prediction> scoreColumns(FeatureColumns columns) {
        java.util.Objects.requireNonNull(columns, "columns");
        return scoreBatch(columns.asRows());
    }

    /**
     * Scores a batch given column by column under the caller's request ids, one per row; see
     * {@link #score(String, Map)}. Scorers that do not log predictions ignore the ids.
     */
    default List<Prediction> scoreColumns(List<String> requestIds, FeatureColumns columns) {
        return scoreColumns(columns);
    }

    /**
     * Runs the model on whole input tensors, for models whose inputs are not rows of features
     * (for example a lookup table and its indices). Inputs are Java arrays of the input's element
     * type whose nesting depth is the tensor's rank ({@code float[][]} for {@code [N, F]}), or a
     * boxed scalar for rank 0. Outputs come back the same way by output name; a sequence of maps
     * comes back as a {@code List<Map<?, ?>>}.
     */
    Map<String, Object> scoreTensors(Map<String, ?> inputs);

    @Override
    void close();
}
