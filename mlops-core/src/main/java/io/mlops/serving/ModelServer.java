package io.mlops.serving;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlops.Mlops;
import io.mlops.api.ModelUri;
import io.mlops.api.serving.Scorer;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.core.internal.serving.DefaultModelServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Serves registered models in-process and keeps them current: when an alias moves, the new
 * version is verified, loaded and warmed before it replaces the old one, and calls already
 * running finish on the old one before it is closed.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.builder(mlops)
 *         .pollInterval(Duration.ofSeconds(30))
 *         .meterRegistry(meterRegistry)
 *         .build()) {
 *     Scorer scorer = server.scorer("models:/credit-risk@champion");   // keep and share it
 *     Prediction p = scorer.score(row);                                 // always the current version
 * }
 * }</pre>
 *
 * <h2>Swaps and failures</h2>
 * The server asks the registry what each alias names every {@code pollInterval}, and at once on
 * {@link #refresh()}. A version whose bytes do not match the sha256 pinned at registration, or
 * that fails to load, is never served: the server keeps the last good version, reports
 * {@link ServingState#DEGRADED} with the reason, and tries again after a backoff that doubles
 * from {@code retryBackoff} up to {@code maxRetryBackoff}. A URI naming a fixed version
 * ({@code models:/credit-risk/7}) is loaded once.
 *
 * <h2>Prediction log</h2>
 * With {@link Builder#predictionLog}, a sampled share of successful calls is written, off the
 * scoring thread, to the metadata store; {@link Scorer#score(String, java.util.Map)} records the
 * caller's request id so that {@code mlops.monitoring().recordLabel} can join the outcome later.
 * {@link io.mlops.monitoring.DriftMonitor} checks the log against each version's baseline.
 *
 * <h2>Metrics</h2>
 * With a {@link MeterRegistry}, every served version records timer {@code mlops.scoring.latency}
 * (per call) and counters {@code mlops.scoring.rows} and {@code mlops.scoring.errors} (tag
 * {@code error}: {@code invalid_argument} or {@code failure}), tagged {@code model} and
 * {@code version}; the server records counter {@code mlops.serving.swaps} and gauge
 * {@code mlops.serving.degraded} (1 while degraded), tagged {@code uri}.
 *
 * <p>Thread-safe. Closing the server closes every loaded model; scorers it handed out then
 * refuse calls.
 */
public interface ModelServer extends AutoCloseable {

    /**
     * A scorer that always scores with the version the URI currently names. The first call for a
     * URI loads it and fails if it cannot; later calls return the same scorer. Closing the
     * returned scorer does nothing: the server owns it.
     *
     * @throws io.mlops.api.NotFoundException if the URI names no version
     * @throws io.mlops.api.IntegrityException if the artifact does not match its registered sha256
     */
    Scorer scorer(ModelUri uri);

    /** @see #scorer(ModelUri) */
    default Scorer scorer(String uri) {
        return scorer(ModelUri.parse(uri));
    }

    /**
     * Asks the registry now what every served alias names and swaps in any new version,
     * returning when done; degraded URIs are retried at once, whatever their backoff.
     */
    void refresh();

    /** What is served for every URI asked for so far. */
    List<ServedModel> status();

    /** What is served for one URI, if it has been asked for. */
    Optional<ServedModel> status(ModelUri uri);

    /** Whether the server is open and serving at least one model, none of them degraded. */
    boolean healthy();

    @Override
    void close();

    static Builder builder(Mlops mlops) {
        return new Builder(mlops);
    }

    /**
     * Configures a {@link ModelServer}; not thread-safe, and each option may be set once.
     */
    final class Builder {
        private final Mlops mlops;
        private Duration pollInterval;
        private Duration retryBackoff;
        private Duration maxRetryBackoff;
        private ScorerOptions scorerOptions;
        private MeterRegistry meterRegistry;
        private PredictionLogOptions predictionLog;

        private Builder(Mlops mlops) {
            this.mlops = java.util.Objects.requireNonNull(mlops, "mlops");
        }

        /** How often aliases are re-resolved; default 30 s; {@link Duration#ZERO} polls never (only {@link #refresh()}). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = once("pollInterval", this.pollInterval, interval);
            return this;
        }

        /** First wait before retrying a version that failed to load; default 1 s, doubling each time. */
        public Builder retryBackoff(Duration initial) {
            this.retryBackoff = once("retryBackoff", this.retryBackoff, initial);
            return this;
        }

        /** Longest wait between retries; default 5 min. */
        public Builder maxRetryBackoff(Duration max) {
            this.maxRetryBackoff = once("maxRetryBackoff", this.maxRetryBackoff, max);
            return this;
        }

        /** How every model is run, including micro-batching; default {@link ScorerOptions#DEFAULTS}. */
        public Builder scorerOptions(ScorerOptions options) {
            this.scorerOptions = once("scorerOptions", this.scorerOptions, options);
            return this;
        }

        /** Where latency, throughput and error counts go; default none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = once("meterRegistry", this.meterRegistry, registry);
            return this;
        }

        /**
         * Logs served predictions (inputs, outputs, version, latency, time and request id) into the
         * metadata store, for drift monitoring and for joining ground truth later; default off.
         * Logging is asynchronous, sampled and bounded: it never slows or fails a scoring call.
         */
        public Builder predictionLog(PredictionLogOptions options) {
            this.predictionLog = once("predictionLog", this.predictionLog, options);
            return this;
        }

        /**
         * Starts the server (and its polling thread, if polling).
         *
         * @throws io.mlops.api.InvalidArgumentException listing every invalid option
         */
        public ModelServer build() {
            return DefaultModelServer.start(mlops,
                    pollInterval == null ? Duration.ofSeconds(30) : pollInterval,
                    retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff,
                    maxRetryBackoff == null ? Duration.ofMinutes(5) : maxRetryBackoff,
                    scorerOptions == null ? ScorerOptions.DEFAULTS : scorerOptions,
                    meterRegistry, predictionLog);
        }

        private static <T> T once(String option, T current, T value) {
            java.util.Objects.requireNonNull(value, option);
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current + "; cannot set it to " + value);
            }
            return value;
        }
    }
}
