package io.mlops.api.tracking;

import java.util.Objects;

/**
 * One point of a metric's history. A run keeps every point; the "latest" value of a key is the
 * point with the highest step, then the highest timestamp (MLflow's rule).
 *
 * @param key       metric name, for example {@code auc}
 * @param value     a finite number
 * @param step      training step or epoch; 0 when not stepped
 * @param timestamp epoch milliseconds
 */
public record Metric(String key, double value, long step, long timestamp) {
    public Metric {
        Objects.requireNonNull(key, "metric key");
    }
}
