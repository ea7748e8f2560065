package io.mlops.api.monitoring;

import io.mlops.api.InvalidArgumentException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a model server logs predictions: a sampled share of calls goes into a bounded queue, and a
 * background thread writes them to the metadata store in batches. Scoring never waits for the log:
 * when the queue is full a prediction is dropped and counted, and a store failure drops a batch
 * (counted and logged) without touching a caller.
 *
 * <pre>{@code
 * ModelServer.builder(mlops).predictionLog(PredictionLogOptions.sampled(0.1)).build();
 * }</pre>
 *
 * @param sampleRate    share of calls logged, 0 to 1; default 1 (every call)
 * @param queueCapacity predictions held waiting for the writer; default 10 000
 * @param batchSize     most predictions written in one store call; default 500
 * @param flushInterval longest the writer waits to fill a batch before writing it; default 1 s
 */
public record PredictionLogOptions(double sampleRate, int queueCapacity, int batchSize, Duration flushInterval) {

    /** Every call, 10 000 queued, batches of 500, written within a second. */
    public static final PredictionLogOptions DEFAULTS = new PredictionLogOptions(1.0, 10_000, 500, Duration.ofSeconds(1));

    public PredictionLogOptions {
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new InvalidArgumentException("sampleRate must be between 0 and 1, e.g. 0.1 for one call in ten; got " + sampleRate);
        }
        if (queueCapacity < 1) {
            throw new InvalidArgumentException("queueCapacity must be at least 1; got " + queueCapacity);
        }
        if (batchSize < 1 || batchSize > queueCapacity) {
            throw new InvalidArgumentException("batchSize must be between 1 and queueCapacity (" + queueCapacity + "); got " + batchSize);
        }
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new InvalidArgumentException("flushInterval must be positive; got " + flushInterval);
        }
    }

    /** The defaults, logging the given share of calls. */
    public static PredictionLogOptions sampled(double sampleRate) {
        return DEFAULTS.withSampleRate(sampleRate);
    }

    public PredictionLogOptions withSampleRate(double rate) {
        return new PredictionLogOptions(rate, queueCapacity, batchSize, flushInterval);
    }

    public PredictionLogOptions withQueueCapacity(int capacity) {
        return new PredictionLogOptions(sampleRate, capacity, Math.min(batchSize, capacity), flushInterval);
    }

    public PredictionLogOptions withBatchSize(int size) {
        return new PredictionLogOptions(sampleRate, queueCapacity, size, flushInterval);
    }

    public PredictionLogOptions withFlushInterval(Duration interval) {
        return new PredictionLogOptions(sampleRate, queueCapacity, batchSize, interval);
    }
}
