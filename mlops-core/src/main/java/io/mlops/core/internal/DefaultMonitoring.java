package io.mlops.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.ModelUri;
import io.mlops.api.NotFoundException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.monitoring.DataProfile;
import io.mlops.api.monitoring.DataProfiler;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureKind;
import io.mlops.api.monitoring.LoggedPrediction;
import io.mlops.api.monitoring.Monitoring;
import io.mlops.api.monitoring.PerformanceWindow;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import io.mlops.core.internal.monitoring.DriftAnalysis;
import io.mlops.core.internal.monitoring.PerformanceAccumulator;
import io.mlops.core.internal.monitoring.PredictionLogger;
import io.mlops.core.internal.monitoring.PredictionPayload;
import io.mlops.core.internal.monitoring.SketchProfile;
import io.mlops.core.internal.monitoring.SketchProfiler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Baselines, the prediction log and drift checks. A baseline is stored like a golden set: as an
 * artifact named by its sha256, pinned on the version by a reserved tag written last.
 */
public final class DefaultMonitoring implements Monitoring {
    static final String TAG_PREFIX = "mlops.baseline.";
    static final String TAG_SHA256 = TAG_PREFIX + "sha256";
    static final String TAG_ROWS = TAG_PREFIX + "rows";
    static final String TAG_FEATURES = TAG_PREFIX + "features";
    /** Most predictions one {@link #predictions} call returns. */
    static final int MAX_PREDICTIONS = 10_000;
    /** The source run's metrics performance is compared with. */
    static final String ACCURACY_METRIC = "test_accuracy";
    static final String AUC_METRIC = "test_auc";

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final DefaultRegistry registry;
    private final Guard guard;

    DefaultMonitoring(MetadataStore store, ArtifactStore artifacts, DefaultRegistry registry, Guard guard) {
        this.store = store;
        this.artifacts = artifacts;
        this.registry = registry;
        this.guard = guard;
    }

    @Override
    public DataProfiler profiler(Map<String, FeatureKind> schema) {
        return new SketchProfiler(schema);
    }

    @Override
    public DataProfiler profiler(List<FeatureSpec> features) {
        return new SketchProfiler(SketchProfiler.schemaOf(Objects.requireNonNull(features, "features")));
    }

    @Override
    public DataProfiler profilerLike(DataProfile baseline) {
        SketchProfile like = SketchProfile.of(Objects.requireNonNull(baseline, "baseline"));
        return SketchProfiler.like(like);
    }

    @Override
    public DataProfile readProfile(byte[] bytes) {
        return SketchProfile.read(Objects.requireNonNull(bytes, "bytes"));
    }

    @Override
    public ModelVersion attachBaseline(String model, int version, DataProfile baseline) {
        Objects.requireNonNull(baseline, "baseline");
        String target = ModelUri.ofVersion(model, version).toString();
        guard.require(Permission.REGISTER, "monitoring.attachBaseline", target);
        ModelVersion v = registry.version(model, version);
        PinnedEvidence.requireNew(v, "a baseline");
        SketchProfile profile = SketchProfile.of(baseline);
        if (profile.rows() == 0) {
            throw new InvalidArgumentException("the baseline for " + v.uri() + " has no rows; profile the training data");
        }
        String stored = PinnedEvidence.write(artifacts, v, "baseline", profile.toBytes());
        // The sha256 tag alone pins the baseline (the key derives from it), so it goes last: a re-attach
        // that breaks off leaves the previous baseline pinned.
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_ROWS, Long.toString(profile.rows()));
        tags.put(TAG_FEATURES, Integer.toString(profile.inputSchema().size()));
        tags.put(TAG_SHA256, stored);
        tags.forEach((k, value) -> store.setVersionTag(model, version, k, value));
        guard.record("monitoring.attachBaseline", target, Map.of("after", tags));
        return registry.version(model, version);
    }

    @Override
    public Optional<DataProfile> baseline(String model, int version) {
        guard.require(Permission.READ, "monitoring.baseline", ModelUri.ofVersion(model, version).toString());
        return loadBaseline(registry.version(model, version)).map(p -> p);
    }

    private Optional<SketchProfile> loadBaseline(ModelVersion version) {
        return PinnedEvidence.read(artifacts, version, TAG_SHA256, "baseline", "baseline").map(SketchProfile::read);
    }

    private SketchProfile requireBaseline(ModelVersion version) {
        return loadBaseline(version).orElseThrow(() -> new NotFoundException(version.uri()
                + " has no baseline; attach one at registration with monitoring().attachBaseline(name, version,"
                + " profiler.profile())"));
    }

    @Override
    public void recordLabel(String model, String requestId, String label) {
        Validation.modelName(model);
        Validation.requestId(requestId);
        Validation.outcomeLabel(requestId, label);
        guard.require(Permission.RECORD_LABEL, "monitoring.recordLabel", model);
        registry.getModelUnchecked(model);
        Optional<String> existing = store.saveLabelIfAbsent(model, requestId, label, guard.clock().millis());
        if (existing.isPresent() && !existing.get().equals(label)) {
            throw new ConflictException("request '" + requestId + "' of model '" + model + "' already has label '"
                    + existing.get() + "'; a recorded outcome is not overwritten (got '" + label + "')");
        }
    }

    @Override
    public List<LoggedPrediction> predictions(String model, int version, Instant from, Instant to, int limit) {
        if (limit < 1 || limit > MAX_PREDICTIONS) {
            throw new InvalidArgumentException("limit must be 1 to " + MAX_PREDICTIONS + "; got " + limit);
        }
        long[] window = window(from, to);
        // The log holds customers' inputs: not for every reader of the registry.
        guard.require(Permission.READ_PREDICTIONS, "monitoring.predictions", ModelUri.ofVersion(model, version).toString());
        registry.version(model, version);
        List<LoggedPrediction> out = new ArrayList<>();
        store.scanPredictions(model, version, window[0], window[1], entry -> {
            PredictionPayload.Decoded d = PredictionPayload.read(entry.payload());
            out.add(new LoggedPrediction(entry.requestId(), entry.model(), entry.version(), entry.loggedAt(),
                    entry.latencyMicros(), d.inputs(), d.label(), d.probabilities(), d.values(), entry.label()));
            return out.size() < limit;
        });
        return out;
    }

    private static long[] window(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new InvalidArgumentException("the window [" + from + ", " + to + ") is empty; 'from' must be before 'to'");
        }
        return new long[] {from.toEpochMilli(), to.toEpochMilli()};
    }

    @Override
    public DataProfile windowProfile(String model, int version, Instant from, Instant to) {
        long[] window = window(from, to);
        // A profile of a narrow window shows individual customers' values: the same permission as reading the log.
        guard.require(Permission.READ_PREDICTIONS, "monitoring.windowProfile", ModelUri.ofVersion(model, version).toString());
        Baselined b = baselined(model, version, "monitoring.windowProfile");
        return profileLog(b, window[0], window[1], null);
    }

    /**
     * A version with its verified baseline. Only {@link #baselined} makes one, after the READ
     * check, so the methods that take one need no check of their own.
     */
    public static final class Baselined {
        private final ModelVersion version;
        private final SketchProfile baseline;

        private Baselined(ModelVersion version, SketchProfile baseline) {
            this.version = version;
            this.baseline = baseline;
        }

        public ModelVersion version() {
            return version;
        }

        public SketchProfile baseline() {
            return baseline;
        }

        /** The sha256 pinning the baseline: changes when a NEW version's baseline is replaced. */
        public String baselineSha256() {
            return version.tags().get(TAG_SHA256);
        }

        PerformanceAccumulator newPerformance() {
            return new PerformanceAccumulator(baseline.positiveClass().orElse(null));
        }
    }

    /**
     * The version as the registry has it now, with its baseline, for {@code action}.
     *
     * @throws io.mlops.api.PermissionDeniedException without READ
     * @throws NotFoundException if the version or its baseline does not exist
     */
    public Baselined baselined(String model, int version, String action) {
        guard.require(Permission.READ, action, ModelUri.ofVersion(model, version).toString());
        ModelVersion v = registry.version(model, version);
        return new Baselined(v, requireBaseline(v));
    }

    /**
     * The profile of a version's logged predictions in {@code [from, to)} with the baseline's
     * schema, feeding the labelled ones to {@code performance} when it is not null.
     */
    public SketchProfile profileLog(Baselined b, long from, long to, PerformanceAccumulator performance) {
        SketchProfiler profiler = SketchProfiler.like(b.baseline());
        store.scanPredictions(b.version().name(), b.version().version(), from, to, entry -> {
            PredictionPayload.Decoded d = PredictionPayload.read(entry.payload());
            profiler.add(d.inputs());
            profiler.addPrediction(d.label(), d.probabilities(), d.values());
            if (performance != null) {
                entry.label().ifPresent(actual -> performance.add(d.label(), d.probabilities(), actual));
            }
            return true;
        });
        return profiler.profile();
    }

    /** Accuracy and AUC over the labelled predictions logged in {@code [from, to)}, reading only those. */
    public PerformanceAccumulator labelledPerformance(Baselined b, long from, long to) {
        PerformanceAccumulator performance = b.newPerformance();
        store.scanLabelledPredictions(b.version().name(), b.version().version(), from, to, entry -> {
            PredictionPayload.Decoded d = PredictionPayload.read(entry.payload());
            performance.add(d.label(), d.probabilities(), entry.label().orElseThrow());
            return true;
        });
        return performance;
    }

    /**
     * The report of a window profiled elsewhere (a drift monitor's merged slices), with performance
     * over the labelled predictions logged in {@code [performanceFrom, performanceTo)}.
     */
    public DriftReport report(Baselined b, SketchProfile window, long from, long to, PerformanceAccumulator performance,
            long performanceFrom, long performanceTo, DriftThresholds thresholds) {
        ModelVersion v = b.version();
        Map<String, Metric> sourceMetrics = sourceRunMetrics(v);
        OptionalDouble accuracy = reference(sourceMetrics, ACCURACY_METRIC);
        OptionalDouble auc = reference(sourceMetrics, AUC_METRIC);
        Optional<PerformanceWindow> result = performance.result(performanceFrom, performanceTo, accuracy, auc, thresholds);
        List<String> notes = new ArrayList<>();
        if (performance.unknownLabels() > 0) {
            notes.add(performance.unknownLabels() + " recorded labels are none of the model's classes and were left out of"
                    + " accuracy and AUC");
        }
        if (result.isPresent() && accuracy.isEmpty() && auc.isEmpty()) {
            notes.add("the source run of " + v.uri() + " has no " + ACCURACY_METRIC + " or " + AUC_METRIC
                    + " metric: performance is measured but not compared");
        }
        return DriftAnalysis.compare(v.name(), v.version(), from, to, b.baseline(), window, thresholds, result, notes,
                guard.clock().millis());
    }

    @Override
    public DriftReport check(String model, int version, Instant from, Instant to, DriftThresholds thresholds) {
        Objects.requireNonNull(thresholds, "thresholds");
        long[] window = window(from, to);
        Baselined b = baselined(model, version, "monitoring.check");
        // One pass over the log for both the profile and the labelled rows.
        PerformanceAccumulator performance = b.newPerformance();
        SketchProfile observed = profileLog(b, window[0], window[1], performance);
        return report(b, observed, window[0], window[1], performance, window[0], window[1], thresholds);
    }

    @Override
    public DriftReport compare(String model, int version, DataProfile window, DriftThresholds thresholds) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(thresholds, "thresholds");
        Baselined b = baselined(model, version, "monitoring.compare");
        long now = guard.clock().millis();
        return report(b, SketchProfile.of(window), now, now, b.newPerformance(), now, now, thresholds);
    }

    /**
     * The latest metrics of the version's source run, read once per report. Only the run counts:
     * version tags can be changed after approval, and a plain {@code accuracy} may be the training
     * figure.
     */
    private Map<String, Metric> sourceRunMetrics(ModelVersion version) {
        Optional<Run> run = version.runId().isEmpty() ? Optional.empty() : store.findRun(version.runId());
        return run.map(Run::latestMetrics).orElse(Map.of());
    }

    /** One of the source run's test metrics, when it recorded a finite value. */
    private static OptionalDouble reference(Map<String, Metric> sourceMetrics, String metricName) {
        Metric metric = sourceMetrics.get(metricName);
        return metric != null && Double.isFinite(metric.value()) ? OptionalDouble.of(metric.value()) : OptionalDouble.empty();
    }

    @Override
    public long purgePredictions(String model, Instant before) {
        Validation.modelName(model);
        Objects.requireNonNull(before, "before");
        guard.require(Permission.DELETE, "monitoring.purgePredictions", model);
        long deleted = store.deletePredictionsBefore(model, before.toEpochMilli());
        guard.record("monitoring.purgePredictions", model, Map.of("before", before.toString(), "deleted", deleted));
        return deleted;
    }

    /**
     * The SDK's monitoring behind {@code mlops}: the model server and the drift monitor need more
     * of it than the public interface gives.
     *
     * @throws InvalidArgumentException for an {@code Mlops} not built by {@code Mlops.builder()}
     */
    public static DefaultMonitoring of(io.mlops.Mlops mlops, String needs) {
        if (!(mlops.monitoring() instanceof DefaultMonitoring monitoring)) {
            throw new InvalidArgumentException(needs + " needs the SDK's own Mlops (from Mlops.builder()); got "
                    + mlops.getClass().getName());
        }
        return monitoring;
    }

    /**
     * The logger a model server writes predictions through; stopped with {@link PredictionLogger#close()}.
     * Logging is a side effect of scoring, which READ allows; who turned it on, and how, is audited.
     */
    public PredictionLogger openPredictionLog(PredictionLogOptions options, MeterRegistry meters) {
        guard.require(Permission.READ, "monitoring.predictionLog", "prediction log");
        guard.record("monitoring.predictionLog", "prediction log", Map.of("options", options.toString()));
        return new PredictionLogger(store, options, guard.clock(), meters);
    }
}
