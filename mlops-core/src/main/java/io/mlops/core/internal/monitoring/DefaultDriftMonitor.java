package io.mlops.core.internal.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.monitoring.DriftListener;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.PerformanceWindow;
import io.mlops.api.registry.ModelVersion;
import io.mlops.monitoring.DriftMonitor;
import io.mlops.monitoring.DriftReports;
import io.mlops.serving.ModelServer;
import io.mlops.serving.ServedModel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scheduled drift monitor: one check per served version per tick, on one daemon thread. */
public final class DefaultDriftMonitor implements DriftMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);

    private final Mlops mlops;
    private final ModelServer server;
    private final Duration window;
    private final DriftThresholds thresholds;
    private final List<DriftListener> listeners;
    private final MeterRegistry meters;
    private final Path reportDirectory;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, DriftReport> lastReports = new ConcurrentHashMap<>();
    private final Map<String, Gauges> gauges = new ConcurrentHashMap<>();
    private final Set<String> withoutBaseline = ConcurrentHashMap.newKeySet();
    private final Object checking = new Object();

    /** The values a version's gauges read; written by the checking thread, read by the meter registry. */
    private static final class Gauges {
        volatile double severity;
        volatile double share;
        volatile double rows;
        volatile double accuracy = Double.NaN;
        volatile double auc = Double.NaN;
        final Map<String, FeatureGauge> psi = new ConcurrentHashMap<>();
    }

    private static final class FeatureGauge {
        volatile double psi = Double.NaN;
    }

    private DefaultDriftMonitor(Mlops mlops, ModelServer server, Duration interval, Duration window, DriftThresholds thresholds,
            List<DriftListener> listeners, MeterRegistry meters, Path reportDirectory, Clock clock) {
        this.mlops = mlops;
        this.server = server;
        this.window = window;
        this.thresholds = thresholds;
        this.listeners = listeners;
        this.meters = meters;
        this.reportDirectory = reportDirectory;
        this.clock = clock;
        if (interval.isZero()) {
            scheduler = null;
        } else {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mlops-drift-monitor");
                t.setDaemon(true);
                return t;
            });
            long millis = interval.toMillis();
            scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    public static DriftMonitor start(Mlops mlops, ModelServer server, Duration interval, Duration window,
            DriftThresholds thresholds, List<DriftListener> listeners, MeterRegistry meters, Path reportDirectory, Clock clock) {
        List<String> problems = new ArrayList<>();
        if (interval.isNegative() || !interval.isZero() && interval.toMillis() < 1) {
            problems.add("interval " + interval + " must be 0 (checks on request only) or at least 1 ms");
        }
        if (window.isNegative() || window.isZero()) {
            problems.add("window " + window + " must be positive");
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid drift monitor options: " + String.join("; ", problems));
        }
        LOG.info("Drift monitor starting: every {}, window {}, thresholds {}, {} listeners, reports {}",
                interval.isZero() ? "on request" : interval, window, thresholds, listeners.size(),
                reportDirectory == null ? "not written" : reportDirectory);
        return new DefaultDriftMonitor(mlops, server, interval, window, thresholds, listeners, meters, reportDirectory, clock);
    }

    private void tick() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep the monitor alive.
            LOG.warn("drift check failed; trying again at the next tick: {}", e.toString());
        }
    }

    @Override
    public List<DriftReport> checkNow() {
        synchronized (checking) {
            Map<String, ModelVersion> versions = new LinkedHashMap<>();
            for (ServedModel served : server.status()) {
                versions.putIfAbsent(key(served.version()), served.version());
            }
            Instant now = clock.instant();
            List<DriftReport> reports = new ArrayList<>();
            for (ModelVersion version : versions.values()) {
                String key = key(version);
                DriftReport report;
                try {
                    report = mlops.monitoring().check(version.name(), version.version(), now.minus(window), now, thresholds);
                } catch (NotFoundException e) {
                    if (withoutBaseline.add(key)) {
                        LOG.info("{} is not monitored for drift: {}", version.uri(), e.getMessage());
                    }
                    continue;
                } catch (RuntimeException e) {
                    LOG.warn("drift check of {} failed; trying again at the next tick: {}", version.uri(), e.toString());
                    continue;
                }
                withoutBaseline.remove(key);
                reports.add(report);
                DriftReport previous = lastReports.put(key, report);
                publish(key, report, previous == null ? DriftSeverity.NONE : previous.severity());
            }
            return reports;
        }
    }

    private static String key(ModelVersion version) {
        return version.name() + "/" + version.version();
    }

    private void publish(String key, DriftReport report, DriftSeverity previous) {
        switch (report.severity()) {
            case ALERT -> LOG.error("Drift ALERT: {}", report.summary());
            case WARNING -> LOG.warn("Drift warning: {}", report.summary());
            case NONE -> LOG.info("No drift: {}", report.summary());
        }
        if (meters != null) {
            updateGauges(key, report);
        }
        if (report.severity() == previous) {
            return;
        }
        if (reportDirectory != null) {
            try {
                DriftReports.write(report, reportDirectory);
            } catch (RuntimeException e) {
                LOG.warn("cannot write the drift report of {} v{} to {}: {}", report.model(), report.version(), reportDirectory,
                        e.toString());
            }
        }
        for (DriftListener listener : listeners) {
            try {
                listener.onSeverityChange(report, previous);
            } catch (RuntimeException e) {
                LOG.warn("drift listener {} failed on {} v{}: {}", listener, report.model(), report.version(), e.toString());
            }
        }
    }

    private void updateGauges(String key, DriftReport report) {
        Tags tags = Tags.of("model", report.model(), "version", Integer.toString(report.version()));
        Gauges g = gauges.computeIfAbsent(key, k -> {
            Gauges created = new Gauges();
            gauge("mlops.drift.severity", "0 no drift, 1 warning, 2 alert", tags, created, x -> x.severity);
            gauge("mlops.drift.share", "Share of the input features that drifted", tags, created, x -> x.share);
            gauge("mlops.drift.rows", "Rows in the last drift window", tags, created, x -> x.rows);
            gauge("mlops.drift.accuracy", "Accuracy over the labelled predictions of the last window", tags, created, x -> x.accuracy);
            gauge("mlops.drift.auc", "AUC over the labelled predictions of the last window", tags, created, x -> x.auc);
            return created;
        });
        g.severity = report.severity().ordinal();
        g.share = report.driftedShare();
        g.rows = report.windowRows();
        g.accuracy = report.performance().map(PerformanceWindow::accuracy).filter(java.util.OptionalDouble::isPresent)
                .map(java.util.OptionalDouble::getAsDouble).orElse(Double.NaN);
        g.auc = report.performance().map(PerformanceWindow::auc).filter(java.util.OptionalDouble::isPresent)
                .map(java.util.OptionalDouble::getAsDouble).orElse(Double.NaN);
        List<FeatureDrift> all = new ArrayList<>(report.features());
        all.addAll(report.prediction());
        for (FeatureDrift f : all) {
            FeatureGauge holder = g.psi.computeIfAbsent(f.feature(), name -> {
                FeatureGauge created = new FeatureGauge();
                Gauge.builder("mlops.drift.psi", created, h -> h.psi).description("Population Stability Index of a feature")
                        .tags(tags.and("feature", name)).register(meters);
                return created;
            });
            holder.psi = f.psi();
        }
    }

    private void gauge(String name, String description, Tags tags, Gauges holder, ToDoubleFunction<Gauges> value) {
        Gauge.builder(name, holder, value).description(description).tags(tags).register(meters);
    }

    @Override
    public List<DriftReport> lastReports() {
        return List.copyOf(lastReports.values());
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
