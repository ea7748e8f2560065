package io.mlops.monitoring;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlops.Mlops;
import io.mlops.api.monitoring.DriftListener;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.core.internal.monitoring.DefaultDriftMonitor;
import io.mlops.serving.ModelServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks every version a {@link ModelServer} serves against its baseline on a schedule. Each
 * check profiles only the predictions logged since the previous one and merges that slice with the
 * earlier slices still inside {@code window} (read in pieces of a 24th of the window, so a window
 * may start up to one piece early); performance is recomputed each time over the
 * {@code performanceWindow}'s labelled predictions, since outcomes arrive late. A check with too few
 * rows for a verdict ({@link io.mlops.api.monitoring.DriftReport#conclusive()}) changes nothing:
 * the last verdict stands. Each conclusive check is logged through SLF4J
 * (INFO, WARN for a warning, ERROR for an alert), updates Micrometer gauges, tells listeners when
 * a version's severity changes, and (optionally) writes the JSON and HTML report of every change.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.builder(mlops).predictionLog(PredictionLogOptions.sampled(0.2)).build();
 *      DriftMonitor monitor = DriftMonitor.builder(mlops, server)
 *              .interval(Duration.ofMinutes(15))
 *              .window(Duration.ofDays(1))
 *              .listener((report, previous) -> alerts.send(report.summary()))
 *              .reportDirectory(Path.of("/var/reports/drift"))
 *              .meterRegistry(meterRegistry)
 *              .build()) {
 *     ...
 * }
 * }</pre>
 *
 * <h2>Gauges</h2>
 * Tagged {@code model} and {@code version}: {@code mlops.drift.severity} (0 none, 1 warning,
 * 2 alert), {@code mlops.drift.share} (share of drifted features), {@code mlops.drift.rows} (rows
 * in the window), {@code mlops.drift.accuracy} and {@code mlops.drift.auc} (NaN without labels);
 * and {@code mlops.drift.psi} per feature (tag {@code feature}).
 *
 * <p>A served version without a baseline is skipped, with one INFO line. A failed check is logged
 * and retried at the next tick; it never stops the monitor.
 */
public interface DriftMonitor extends AutoCloseable {

    /** Checks every served version now, on the calling thread, and returns the reports. */
    List<DriftReport> checkNow();

    /**
     * The latest conclusive report (a verdict) of every version served and judged so far; a quiet
     * spell does not replace it.
     */
    List<DriftReport> lastReports();

    /** Stops the schedule; a check in progress finishes. */
    @Override
    void close();

    static Builder builder(Mlops mlops, ModelServer server) {
        return new Builder(mlops, server);
    }

    /** Configures a {@link DriftMonitor}; not thread-safe. */
    final class Builder {
        private final Mlops mlops;
        private final ModelServer server;
        private Duration interval = Duration.ofMinutes(15);
        private Duration window = Duration.ofDays(1);
        private Duration writeDelay = Duration.ofMinutes(1);
        private Duration performanceWindow = Duration.ofDays(30);
        private DriftThresholds thresholds = DriftThresholds.DEFAULTS;
        private final List<DriftListener> listeners = new ArrayList<>();
        private MeterRegistry meterRegistry;
        private Path reportDirectory;
        private Clock clock = Clock.systemUTC();

        private Builder(Mlops mlops, ModelServer server) {
            this.mlops = Objects.requireNonNull(mlops, "mlops");
            this.server = Objects.requireNonNull(server, "server");
        }

        /** Time between checks; default 15 min; {@link Duration#ZERO} checks only on {@link #checkNow()}. */
        public Builder interval(Duration interval) {
            this.interval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** How far back each check looks; default one day. */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * How long a logged prediction may take to reach the store (the server writes its log in
         * the background); each check leaves out the newest {@code writeDelay}, which the next
         * check reads. Default one minute; {@link Duration#ZERO} when the log is flushed before
         * {@link DriftMonitor#checkNow()}.
         */
        public Builder writeDelay(Duration delay) {
            this.writeDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * How far back performance looks: accuracy and AUC are computed over the predictions logged
         * in this span that have a label by now. Outcomes often arrive long after the prediction
         * (a loan defaults months later), so it is usually longer than the drift window; default 30 days.
         */
        public Builder performanceWindow(Duration span) {
            this.performanceWindow = Objects.requireNonNull(span, "span");
            return this;
        }

        /** Default {@link DriftThresholds#DEFAULTS}. */
        public Builder thresholds(DriftThresholds thresholds) {
            this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
            return this;
        }

        /** Adds a listener told of every severity change; may be called more than once. */
        public Builder listener(DriftListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Where the gauges go; default none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Writes the JSON and HTML report of every severity change into this folder; default none. */
        public Builder reportDirectory(Path directory) {
            this.reportDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** What "now" is; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts the monitor (and its thread, unless the interval is zero).
         *
         * @throws io.mlops.api.InvalidArgumentException if the interval is negative or the window not positive
         */
        public DriftMonitor build() {
            return DefaultDriftMonitor.start(mlops, server, interval, window, writeDelay, performanceWindow, thresholds,
                    List.copyOf(listeners),
                    meterRegistry, reportDirectory, clock);
        }
    }
}
