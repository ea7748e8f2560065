package io.mlops.api.serving;

import io.mlops.api.InvalidArgumentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a scorer runs a model.
 *
 * <pre>{@code
 * ScorerOptions opts = ScorerOptions.builder()
 *         .intraOpThreads(1)
 *         .microBatching(Duration.ofNanos(200_000), 64)   // coalesce concurrent single-row calls
 *         .build();
 * }</pre>
 *
 * <h2>Micro-batching</h2>
 * Off by default. When on, concurrent {@link Scorer#score(java.util.Map)} calls are queued and
 * run together as one batch: a batch starts as soon as {@code microBatchMaxRows} rows are
 * waiting or the oldest has waited {@code microBatchDelay}, whichever comes first. A caller
 * alone therefore waits at most the delay extra; many callers share one runtime call, which is
 * what raises throughput. A row that fails validation fails only its own call.
 * {@code scoreBatch} and {@code scoreTensors} are never delayed. When callers outnumber the cores
 * and batches fill up, a waiting caller yields its core a bounded number of times before it
 * parks, so CPU usage reads higher than the scoring alone; CPU-based autoscaling and container
 * CPU limits will see it.
 *
 * @param nanPolicy         NaN handling; default {@link NanPolicy#REJECT}
 * @param intraOpThreads    threads the runtime may use inside one call; default 1, which suits
 *                          many concurrent callers
 * @param maxBatchRows      largest batch accepted in one call; default 10,000
 * @param microBatchDelay   longest a single-row call waits for others to join its batch;
 *                          {@link Duration#ZERO} (the default) turns micro-batching off; at most 1 s
 * @param microBatchMaxRows most rows coalesced into one run; default 64, at most {@code maxBatchRows}
 *                          when micro-batching is on
 */
public record ScorerOptions(
        NanPolicy nanPolicy,
        int intraOpThreads,
        int maxBatchRows,
        Duration microBatchDelay,
        int microBatchMaxRows) {

    // Declared before DEFAULTS: the constructor that builds DEFAULTS reads it.
    private static final Duration MAX_MICRO_BATCH_DELAY = Duration.ofSeconds(1);

    public static final ScorerOptions DEFAULTS = new ScorerOptions(NanPolicy.REJECT, 1, 10_000, Duration.ZERO, 64);

    public ScorerOptions {
        Objects.requireNonNull(nanPolicy, "nanPolicy");
        Objects.requireNonNull(microBatchDelay, "microBatchDelay");
        List<String> problems = new ArrayList<>();
        if (intraOpThreads < 1) {
            problems.add("intraOpThreads " + intraOpThreads + " must be at least 1");
        }
        if (maxBatchRows < 1) {
            problems.add("maxBatchRows " + maxBatchRows + " must be at least 1");
        }
        if (microBatchDelay.isNegative() || microBatchDelay.compareTo(MAX_MICRO_BATCH_DELAY) > 0) {
            problems.add("microBatchDelay " + microBatchDelay + " must be between 0 (off) and " + MAX_MICRO_BATCH_DELAY);
        }
        // Only checked against maxBatchRows when on: a small maxBatchRows must not need micro-batching settings.
        if (microBatchMaxRows < 1 || !microBatchDelay.isZero() && microBatchMaxRows > Math.max(maxBatchRows, 1)) {
            problems.add("microBatchMaxRows " + microBatchMaxRows + " must be between 1 and maxBatchRows (" + maxBatchRows + ")");
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid scorer options: " + String.join("; ", problems));
        }
    }

    /** Whether concurrent single-row calls are coalesced. */
    public boolean microBatching() {
        return !microBatchDelay.isZero();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder()
                .nanPolicy(nanPolicy)
                .intraOpThreads(intraOpThreads)
                .maxBatchRows(maxBatchRows)
                .microBatching(microBatchDelay, microBatchMaxRows);
    }

    /** Builds {@link ScorerOptions}; not thread-safe. */
    public static final class Builder {
        private NanPolicy nanPolicy = DEFAULTS.nanPolicy();
        private int intraOpThreads = DEFAULTS.intraOpThreads();
        private int maxBatchRows = DEFAULTS.maxBatchRows();
        private Duration microBatchDelay = DEFAULTS.microBatchDelay();
        private int microBatchMaxRows = DEFAULTS.microBatchMaxRows();

        public Builder nanPolicy(NanPolicy nanPolicy) {
            this.nanPolicy = nanPolicy;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        public Builder maxBatchRows(int rows) {
            this.maxBatchRows = rows;
            return this;
        }

        /**
         * Coalesces concurrent single-row calls: wait at most {@code delay} for up to
         * {@code maxRows} rows; {@link Duration#ZERO} turns it off.
         *
         * <p>It pays when many threads score at once (more than there are cores): the model's
         * fixed cost per run is then paid once per batch. A lone caller waits up to
         * {@code delay} longer than it would without it. When callers outnumber the cores and
         * batches leave full, a waiting caller gives up its core a bounded number of times
         * ({@link Thread#yield()}) before it parks: its answer usually arrives meanwhile, and the
         * wake-up this avoids (about 10 µs of CPU on a small virtual machine) can cost more than
         * the row's share of the batch. CPU usage then reads higher than the scoring alone.
         */
        public Builder microBatching(Duration delay, int maxRows) {
            this.microBatchDelay = delay;
            this.microBatchMaxRows = maxRows;
            return this;
        }

        public ScorerOptions build() {
            return new ScorerOptions(nanPolicy, intraOpThreads, maxBatchRows, microBatchDelay, microBatchMaxRows);
        }
    }
}
