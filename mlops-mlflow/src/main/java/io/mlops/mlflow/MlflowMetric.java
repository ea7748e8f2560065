package io.mlops.mlflow;

import java.util.Objects;

/**
 * One recorded value of a run's metric: one line of an MLflow metric file.
 *
 * <p>The value is kept exactly as MLflow recorded it, including {@code NaN} and infinities (MLflow
 * writes them as {@code nan}, {@code inf} and {@code -inf}); whether such values can be imported is
 * for the importer to decide.
 *
 * <pre>{@code
 * MlflowMetric m = new MlflowMetric("train/loss", 0.25, 1700000000000L, 3);
 * boolean usable = Double.isFinite(m.value());
 * }</pre>
 *
 * @param key the metric name; nested names use {@code '/'}, like {@code train/loss}
 * @param value the recorded value, possibly NaN or infinite
 * @param timestamp when it was recorded, in milliseconds since the epoch
 * @param step the training step; 0 for files written before MLflow recorded steps
 */
public record MlflowMetric(String key, double value, long timestamp, long step) {
    public MlflowMetric {
        Objects.requireNonNull(key, "key");
    }
}
