package io.mlops.api.tracking;

import java.util.Comparator;
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

    /** Order of a metric's history: by step, then timestamp (stores break remaining ties by insertion). */
    public static final Comparator<Metric> HISTORY_ORDER =
            Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp);

    /**
     * The rule that picks a key's latest point, MLflow's: the greatest in this order (step, then
     * timestamp, then value) is the latest. Every store applies this one rule.
     */
    public static final Comparator<Metric> LATEST_ORDER = HISTORY_ORDER.thenComparingDouble(Metric::value);
    public Metric {
        Objects.requireNonNull(key, "metric key");
    }
}
