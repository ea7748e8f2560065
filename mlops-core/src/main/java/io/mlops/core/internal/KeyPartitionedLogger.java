package io.mlops.core.internal;

import io.mlops.api.tracking.BatchedMetricLogger;
import java.util.List;
import java.util.function.Consumer;

/**
 * Several batched loggers of one run behind one, each writing on its own connection, so that the
 * database's per-row work runs on more than one core. A key always goes to the same logger, which
 * keeps every metric's points in the order they were logged; flush and close reach all of them.
 */
final class KeyPartitionedLogger implements BatchedMetricLogger {

    private final List<BatchedMetricLogger> lanes;

    KeyPartitionedLogger(List<BatchedMetricLogger> lanes) {
        this.lanes = List.copyOf(lanes);
    }

    private BatchedMetricLogger lane(String key) {
        // Null keys are refused by the lane's own validation, with its message.
        return lanes.get(key == null ? 0 : Math.floorMod(key.hashCode(), lanes.size()));
    }

    @Override
    public void logMetric(String key, double value, long step) {
        lane(key).logMetric(key, value, step);
    }

    @Override
    public void logMetric(String key, double value, long step, long timestamp) {
        lane(key).logMetric(key, value, step, timestamp);
    }

    @Override
    public void flush() {
        forEachLane(BatchedMetricLogger::flush);
    }

    @Override
    public int pending() {
        return lanes.stream().mapToInt(BatchedMetricLogger::pending).sum();
    }

    @Override
    public void close() {
        forEachLane(BatchedMetricLogger::close);
    }

    private void forEachLane(Consumer<BatchedMetricLogger> action) {
        applyToAll(lanes, action);
    }

    /** Applies {@code action} to every logger even if some fail, then throws the first failure. */
    static void applyToAll(List<BatchedMetricLogger> loggers, Consumer<BatchedMetricLogger> action) {
        RuntimeException first = null;
        for (BatchedMetricLogger lane : loggers) {
            try {
                action.accept(lane);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "BatchedMetricLogger" + lanes;
    }
}
