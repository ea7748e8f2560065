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
import io.mlops.core.internal.DefaultMonitoring;
import io.mlops.monitoring.DriftMonitor;
import io.mlops.monitoring.DriftReports;
import io.mlops.serving.ModelServer;
import io.mlops.serving.ServedModel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
    /** Slices a window is read in at most, so that it slides in steps of a 24th (an hour of a day). */
    private static final int SLICES_PER_WINDOW = 24;

    private final ModelServer server;
    private final DefaultMonitoring monitoring;
    private final Duration window;
    private final Duration writeDelay;
    private final Duration performanceWindow;
    private final DriftThresholds thresholds;
    private final List<DriftListener> listeners;
    private final MeterRegistry meters;
    private final Path reportDirectory;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, DriftReport> lastReports = new ConcurrentHashMap<>();
    /** Touched only under {@link #checking}. */
    private final Map<String, Slices> slices = new java.util.HashMap<>();
    private final Map<String, Gauges> gauges = new ConcurrentHashMap<>();
    private final Set<String> withoutBaseline = ConcurrentHashMap.newKeySet();
    private final Object checking = new Object();

    /** The values a version's gauges read; written by the checking thread, read by the meter registry. */
    private static final class Gauges {
        /** NaN until the first verdict: "never judged" is not "no drift". */
        volatile double severity = Double.NaN;
        volatile double share = Double.NaN;
        volatile double rows;
        volatile double accuracy = Double.NaN;
        volatile double auc = Double.NaN;
        final Map<String, FeatureGauge> psi = new ConcurrentHashMap<>();
        /** Every gauge registered for the version, to remove when it is no longer served. */
        final List<io.micrometer.core.instrument.Meter> meters = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    private static final class FeatureGauge {
        volatile double psi = Double.NaN;
    }

    private DefaultDriftMonitor(DefaultMonitoring monitoring, ModelServer server, Duration interval, Duration window,
            Duration writeDelay, Duration performanceWindow, DriftThresholds thresholds, List<DriftListener> listeners, MeterRegistry meters,
            Path reportDirectory, Clock clock) {
        this.monitoring = monitoring;
        this.server = server;
        this.window = window;
        this.writeDelay = writeDelay;
        this.performanceWindow = performanceWindow;
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

    public static DriftMonitor start(Mlops mlops, ModelServer server, Duration interval, Duration window, Duration writeDelay,
            Duration performanceWindow, DriftThresholds thresholds, List<DriftListener> listeners, MeterRegistry meters, Path reportDirectory, Clock clock) {
        List<String> problems = new ArrayList<>();
        if (performanceWindow.isNegative() || performanceWindow.isZero()) {
            problems.add("performanceWindow " + performanceWindow + " must be positive");
        }
        if (writeDelay.isNegative()) {
            problems.add("writeDelay " + writeDelay + " must not be negative");
        }
        if (interval.isNegative() || !interval.isZero() && interval.toMillis() < 1) {
            problems.add("interval " + interval + " must be 0 (checks on request only) or at least 1 ms");
        }
        if (window.isNegative() || window.isZero()) {
            problems.add("window " + window + " must be positive");
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid drift monitor options: " + String.join("; ", problems));
        }
        DefaultMonitoring monitoring = DefaultMonitoring.of(mlops, "the drift monitor");
        LOG.info("Drift monitor starting: every {}, window {}, write delay {}, thresholds {}, {} listeners, reports {}",
                interval.isZero() ? "on request" : interval, window, writeDelay, thresholds, listeners.size(),
                reportDirectory == null ? "not written" : reportDirectory);
        return new DefaultDriftMonitor(monitoring, server, interval, window, writeDelay, performanceWindow, thresholds, listeners,
                meters, reportDirectory, clock);
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
            // Predictions reach the store a little after they are scored; the newest writeDelay is left
            // for the next check, so that no slice misses rows still on their way.
            long end = clock.millis() - writeDelay.toMillis();
            List<DriftReport> reports = new ArrayList<>();
            for (ModelVersion version : versions.values()) {
                String key = key(version);
                DriftReport report;
                try {
                    report = check(key, version, end);
                } catch (NotFoundException e) {
                    slices.remove(key);
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
                if (meters != null) {
                    updateGauges(key, report);
                }
                if (!report.conclusive()) {
                    // Too few rows is no evidence either way: the last verdict stands, and nobody is told it cleared.
                    LOG.info("Drift of {} not judged: {}", version.uri(), report.summary());
                    continue;
                }
                // Only conclusive reports are kept, so the one replaced holds the last verdict.
                DriftReport previous = lastReports.put(key, report);
                publish(report, previous == null ? DriftSeverity.NONE : previous.severity());
            }
            // Versions no longer served are no longer watched, and their gauges go.
            slices.keySet().retainAll(versions.keySet());
            lastReports.keySet().retainAll(versions.keySet());
            gauges.entrySet().removeIf(e -> {
                if (versions.containsKey(e.getKey())) {
                    return false;
                }
                e.getValue().meters.forEach(meters::remove);
                return true;
            });
            return reports;
        }
    }

    /**
     * One version's check: only the rows logged since the last check are read and profiled (a new
     * slice); the window is the merge of the slices it covers. Labels arrive at any time, so
     * performance reads the labelled rows of the performance window afresh.
     */
    private DriftReport check(String key, ModelVersion served, long end) {
        DefaultMonitoring.Baselined b = monitoring.baselined(served.name(), served.version(), "monitoring.monitor");
        long start = end - window.toMillis();
        Slices state = slices.get(key);
        if (state == null || !state.baselineSha256.equals(b.baselineSha256())) {
            // New, or the baseline was replaced (a NEW version may re-attach one): start over.
            state = new Slices(b.baselineSha256());
            slices.put(key, state);
        }
        state.dropEndingBy(start);
        // A long stretch (the first check, or after a pause) is read in pieces of a 24th of the window,
        // so that the window later slides in steps of that size rather than all at once.
        long sliceLength = Math.max(1, window.toMillis() / SLICES_PER_WINDOW);
        for (long from = Math.max(state.coveredTo, start); from < end; from = Math.min(end, from + sliceLength)) {
            long to = Math.min(end, from + sliceLength);
            state.add(new Slice(from, to, monitoring.profileLog(b, from, to, null)), sliceLength);
        }
        long windowStart = state.slices.isEmpty() ? start : Math.min(start, state.slices.peekFirst().from());
        SketchProfile profile = state.merged(b.baseline());
        long performanceFrom = end - performanceWindow.toMillis();
        PerformanceAccumulator performance = monitoring.labelledPerformance(b, performanceFrom, end);
        return monitoring.report(b, profile, windowStart, Math.max(windowStart, end), performance, performanceFrom,
                Math.max(performanceFrom, end), thresholds);
    }

    /** A profile of the log between two instants, read once. */
    private record Slice(long from, long to, SketchProfile profile) {
    }

    /** The slices of one version's window, oldest first, all profiled against the same baseline. */
    private static final class Slices {
        final String baselineSha256;
        final java.util.ArrayDeque<Slice> slices = new java.util.ArrayDeque<>();
        long coveredTo = Long.MIN_VALUE;

        Slices(String baselineSha256) {
            this.baselineSha256 = baselineSha256;
        }

        /** Appends a slice, folding it into the last one while that is shorter than {@code sliceLength}, so a window holds about 24 slices however often it is checked. */
        void add(Slice slice, long sliceLength) {
            Slice last = slices.peekLast();
            if (last != null && last.to() == slice.from() && last.to() - last.from() < sliceLength) {
                slices.removeLast();
                slice = new Slice(last.from(), slice.to(), last.profile().merge(slice.profile()));
            }
            slices.addLast(slice);
            coveredTo = slice.to();
        }

        /** Drops slices wholly before the window; one reaching into it stays, so the window may start up to a slice early. */
        void dropEndingBy(long start) {
            while (!slices.isEmpty() && slices.peekFirst().to() <= start) {
                slices.removeFirst();
            }
        }

        SketchProfile merged(SketchProfile baseline) {
            SketchProfile merged = null;
            for (Slice slice : slices) {
                merged = merged == null ? slice.profile() : merged.merge(slice.profile());
            }
            return merged != null ? merged : SketchProfiler.like(baseline).profile();
        }
    }

    private static String key(ModelVersion version) {
        return version.name() + "/" + version.version();
    }

    private void publish(DriftReport report, DriftSeverity previous) {
        switch (report.severity()) {
            case ALERT -> LOG.error("Drift ALERT: {}", report.summary());
            case WARNING -> LOG.warn("Drift warning: {}", report.summary());
            case NONE -> LOG.info("No drift: {}", report.summary());
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
            gauge("mlops.drift.severity", "0 no drift, 1 warning, 2 alert (the last conclusive check)", tags, created,
                    x -> x.severity);
            gauge("mlops.drift.share", "Share of the input features that drifted", tags, created, x -> x.share);
            gauge("mlops.drift.rows", "Rows in the last drift window", tags, created, x -> x.rows);
            gauge("mlops.drift.accuracy", "Accuracy over the labelled predictions of the performance window", tags, created,
                    x -> x.accuracy);
            gauge("mlops.drift.auc", "AUC over the labelled predictions of the performance window", tags, created, x -> x.auc);
            return created;
        });
        g.rows = report.windowRows();
        g.accuracy = report.performance().map(PerformanceWindow::accuracy).filter(java.util.OptionalDouble::isPresent)
                .map(java.util.OptionalDouble::getAsDouble).orElse(Double.NaN);
        g.auc = report.performance().map(PerformanceWindow::auc).filter(java.util.OptionalDouble::isPresent)
                .map(java.util.OptionalDouble::getAsDouble).orElse(Double.NaN);
        if (!report.conclusive()) {
            return;
        }
        g.severity = report.severity().ordinal();
        g.share = report.driftedShare();
        List<FeatureDrift> all = new ArrayList<>(report.features());
        all.addAll(report.prediction());
        for (FeatureDrift f : all) {
            FeatureGauge holder = g.psi.computeIfAbsent(f.feature(), name -> {
                FeatureGauge created = new FeatureGauge();
                g.meters.add(Gauge.builder("mlops.drift.psi", created, h -> h.psi).description("Population Stability Index of a feature")
                        .tags(tags.and("feature", name)).register(meters));
                return created;
            });
            holder.psi = f.psi();
        }
    }

    private void gauge(String name, String description, Tags tags, Gauges holder, ToDoubleFunction<Gauges> value) {
        holder.meters.add(Gauge.builder(name, holder, value).description(description).tags(tags).register(meters));
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
        // A registry keeps the first gauge of a name and tags: a monitor built later must not find these.
        synchronized (checking) {
            if (meters != null) {
                gauges.values().forEach(g -> g.meters.forEach(meters::remove));
            }
            gauges.clear();
        }
    }
}
