package io.mlops.api.monitoring;

import io.mlops.api.serving.Prediction;
import java.util.Map;

/**
 * Builds a {@link DataProfile} one row at a time, in memory bounded whatever the row count. Not
 * thread-safe: profile in parallel with one profiler per thread and {@link DataProfile#merge}.
 *
 * <pre>{@code
 * DataProfiler profiler = monitoring.profiler(scorer.features());
 * for (Map<String, Object> row : trainingRows) {
 *     profiler.add(row, scorer.score(row));     // the prediction too, for prediction drift
 * }
 * monitoring.attachBaseline("credit-risk", 3, profiler.profile());
 * }</pre>
 */
public interface DataProfiler {

    /**
     * Adds one row. Values of features not in the schema are ignored; an absent, null or empty
     * value, or a number that is NaN or infinite, counts as missing; a numeric feature given text
     * that is not a number counts as missing too.
     */
    DataProfiler add(Map<String, ?> row);

    /** Adds one row and what the model predicted for it ({@code prediction.label} and {@code prediction.score}). */
    DataProfiler add(Map<String, ?> row, Prediction prediction);

    /** Adds every row. */
    default DataProfiler addAll(Iterable<? extends Map<String, ?>> rows) {
        for (Map<String, ?> row : rows) {
            add(row);
        }
        return this;
    }

    /** The profile of the rows added so far; the profiler can go on. */
    DataProfile profile();
}
