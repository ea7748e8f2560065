package io.mlops.api.tracking;

/**
 * Logs metric points of one run asynchronously: calls validate the point and put it in a bounded
 * buffer; a background thread writes batches, by size or after a short delay, retrying with
 * backoff while the store is unavailable. No point is dropped: when the buffer is full the caller
 * waits (or fails, see {@link FullBufferPolicy}); a write that may or may not have committed is
 * retried, and the store keeps identical points once, so every point arrives exactly once.
 *
 * <pre>{@code
 * try (BatchedMetricLogger metrics = tracking.batchedLogger(run.id(), BatchingOptions.DEFAULTS)) {
 *     for (long step = 0; step < 1_000_000; step++) {
 *         metrics.logMetric("loss", loss(step), step);
 *     }
 * } // close() flushes: everything logged is stored, or close() throws
 * }</pre>
 *
 * <p>Thread-safe. {@link #flush()} and {@link #close()} wait up to the configured timeout and
 * throw {@link io.mlops.api.StoreUnavailableException} if the points could not be stored by then
 * (the logger keeps them and keeps retrying after a failed {@code flush()}).
 */
public interface BatchedMetricLogger extends AutoCloseable {

    /** Queues a point stamped with the current time. */
    void logMetric(String key, double value, long step);

    /** Queues a point with an explicit timestamp (epoch milliseconds). */
    void logMetric(String key, double value, long step, long timestamp);

    /** Waits until every point queued before this call is stored. */
    void flush();

    /** Points queued but not yet stored. */
    int pending();

    /** Flushes, then stops the background writer. */
    @Override
    void close();
}
