package io.mlops.api.tracking;

import io.mlops.api.InvalidArgumentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link BatchedMetricLogger} buffers and writes.
 *
 * @param bufferCapacity  points held in memory at most, per writer; default 100,000
 * @param maxBatchSize    points per write; default 1,000
 * @param maxDelay        longest a point waits before a write starts; default 200 ms
 * @param onFull          what logging does when the buffer is full; default {@link FullBufferPolicy#BLOCK}
 * @param initialBackoff  first wait after a failed write; doubles up to {@code maxBackoff}; default 100 ms
 * @param maxBackoff      longest wait between retries; default 5 s
 * @param closeTimeout    how long {@code flush()} and {@code close()} wait for the store; default 60 s
 * @param writers         writers storing batches in parallel, each on its own connection, 1..16;
 *                        default 2. Points of one key always go through the same writer, so each
 *                        metric's points are stored in the order they were logged.
 */
public record BatchingOptions(int bufferCapacity, int maxBatchSize, Duration maxDelay, FullBufferPolicy onFull,
                              Duration initialBackoff, Duration maxBackoff, Duration closeTimeout, int writers) {

    public static final BatchingOptions DEFAULTS = new BatchingOptions(100_000, 1_000, Duration.ofMillis(200),
            FullBufferPolicy.BLOCK, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(60), 2);

    /** Most writers one logger may use. */
    public static final int MAX_WRITERS = 16;

    public BatchingOptions {
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(onFull, "onFull");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        List<String> problems = new ArrayList<>();
        if (bufferCapacity < 1) {
            problems.add("bufferCapacity " + bufferCapacity + " must be at least 1");
        }
        if (maxBatchSize < 1 || maxBatchSize > bufferCapacity) {
            problems.add("maxBatchSize " + maxBatchSize + " must be between 1 and bufferCapacity (" + bufferCapacity + ")");
        }
        for (var d : List.of(maxDelay, initialBackoff, maxBackoff, closeTimeout)) {
            if (d.isNegative() || d.isZero()) {
                problems.add("durations must be positive, got " + d);
            }
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add("maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
        }
        if (writers < 1 || writers > MAX_WRITERS) {
            problems.add("writers " + writers + " must be between 1 and " + MAX_WRITERS);
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid batching options: " + String.join("; ", problems));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link BatchingOptions}; not thread-safe. */
    public static final class Builder {
        private int bufferCapacity = DEFAULTS.bufferCapacity;
        private int maxBatchSize = DEFAULTS.maxBatchSize;
        private Duration maxDelay = DEFAULTS.maxDelay;
        private FullBufferPolicy onFull = DEFAULTS.onFull;
        private Duration initialBackoff = DEFAULTS.initialBackoff;
        private Duration maxBackoff = DEFAULTS.maxBackoff;
        private Duration closeTimeout = DEFAULTS.closeTimeout;
        private int writers = DEFAULTS.writers;

        public Builder bufferCapacity(int points) {
            this.bufferCapacity = points;
            return this;
        }

        public Builder maxBatchSize(int points) {
            this.maxBatchSize = points;
            return this;
        }

        public Builder maxDelay(Duration delay) {
            this.maxDelay = delay;
            return this;
        }

        public Builder onFull(FullBufferPolicy policy) {
            this.onFull = policy;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /** Writers storing in parallel; see {@link BatchingOptions#writers()}. */
        public Builder writers(int writers) {
            this.writers = writers;
            return this;
        }

        public BatchingOptions build() {
            return new BatchingOptions(bufferCapacity, maxBatchSize, maxDelay, onFull, initialBackoff, maxBackoff,
                    closeTimeout, writers);
        }
    }
}
