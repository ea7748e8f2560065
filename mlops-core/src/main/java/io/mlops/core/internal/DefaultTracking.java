package io.mlops.core.internal;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.spi.TrackingStore;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.BatchedMetricLogger;
import io.mlops.api.tracking.BatchingOptions;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunBody;
import io.mlops.api.tracking.RunPage;
import io.mlops.api.tracking.RunSearch;
import io.mlops.api.tracking.RunSpec;
import io.mlops.api.tracking.RunStatus;
import io.mlops.api.tracking.Tracking;
import io.mlops.core.internal.environment.EnvironmentCapture;
import io.mlops.core.internal.environment.RunEnvironment;
import io.mlops.core.internal.search.RunSearches;
import java.time.Clock;
import java.util.ArrayList;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The rules of tracking over any {@link TrackingStore}. */
final class DefaultTracking implements Tracking {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tracking.class);

    /** Tag recording why a run ended FAILED or KILLED. */
    static final String END_REASON_TAG = "mlops.end_reason";

    final TrackingStore store;
    /** Shared by every principal's view of one {@code Mlops}, so a run's loggers are found whoever ends it. */
    private final ConcurrentHashMap<String, RunLoggers> openLoggers;
    final ArtifactStore artifacts;
    final Guard guard;
    final Principal principal;
    final Clock clock;
    final DefaultDatasets datasets;
    private final boolean captureEnvironment;
    /** Where a run keeps the full environment, libraries included. */
    static final String ENVIRONMENT_ARTIFACT = "mlops/environment.json";

    DefaultTracking(TrackingStore store, ArtifactStore artifacts, Guard guard, boolean captureEnvironment) {
        this(store, artifacts, guard, new ConcurrentHashMap<>(), captureEnvironment);
    }

    private DefaultTracking(TrackingStore store, ArtifactStore artifacts, Guard guard,
            ConcurrentHashMap<String, RunLoggers> openLoggers, boolean captureEnvironment) {
        this.captureEnvironment = captureEnvironment;
        this.store = store;
        this.artifacts = artifacts;
        this.guard = guard;
        this.principal = guard.principal();
        this.clock = guard.clock();
        this.openLoggers = openLoggers;
        this.datasets = new DefaultDatasets(store, artifacts, guard);
    }

    /** The same tracking, acting as the principal {@code other} guards. */
    DefaultTracking as(Guard other) {
        return new DefaultTracking(store, artifacts, other, openLoggers, captureEnvironment);
    }

    @Override
    public Experiment getOrCreateExperiment(String name) {
        Validation.experimentName(name);
        guard.require(Permission.TRACK, "tracking.getOrCreateExperiment", experimentTarget(name));
        return experimentCreatedIfMissing(name);
    }

    private Experiment experimentCreatedIfMissing(String name) {
        Optional<Experiment> existing = store.findExperimentByName(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            Experiment created = store.createExperiment(Ids.newId(), name, Map.of(), clock.millis());
            guard.record("tracking.createExperiment", experimentTarget(name), Map.of("after", Map.of("id", created.id())));
            return created;
        } catch (AlreadyExistsException lostTheRace) {
            return store.findExperimentByName(name).orElseThrow(() -> lostTheRace);
        }
    }

    @Override
    public Experiment createExperiment(String name, Map<String, String> tags) {
        Validation.experimentName(name);
        Validation.tags(Objects.requireNonNull(tags, "tags"));
        guard.require(Permission.TRACK, "tracking.createExperiment", experimentTarget(name));
        Experiment created = store.createExperiment(Ids.newId(), name, tags, clock.millis());
        guard.record("tracking.createExperiment", experimentTarget(name), Map.of("after", Map.of("id", created.id(),
                "tags", tags)));
        return created;
    }

    @Override
    public Experiment getExperiment(String experimentId) {
        Objects.requireNonNull(experimentId, "experiment id");
        guard.require(Permission.READ, "tracking.getExperiment", "experiment-id:" + experimentId);
        return experimentUnchecked(experimentId);
    }

    private Experiment experimentUnchecked(String experimentId) {
        return store.findExperimentById(experimentId)
                .orElseThrow(() -> new NotFoundException("experiment with id '" + experimentId + "' does not exist"));
    }

    @Override
    public Experiment getExperimentByName(String name) {
        Validation.experimentName(name);
        guard.require(Permission.READ, "tracking.getExperimentByName", experimentTarget(name));
        return store.findExperimentByName(name).orElseThrow(() -> new NotFoundException("experiment '" + name
                + "' does not exist; existing experiments: " + store.listExperiments().stream().map(Experiment::name).toList()));
    }

    @Override
    public Optional<Experiment> findExperimentByName(String name) {
        Validation.experimentName(name);
        guard.require(Permission.READ, "tracking.findExperimentByName", experimentTarget(name));
        return store.findExperimentByName(name);
    }

    @Override
    public List<Experiment> listExperiments() {
        guard.require(Permission.READ, "tracking.listExperiments", "experiments");
        return store.listExperiments();
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        Validation.tagValue(Validation.key("tag", key), value);
        Objects.requireNonNull(experimentId, "experiment id");
        guard.require(Permission.TRACK, "tracking.setExperimentTag", "experiment-id:" + experimentId);
        store.setExperimentTag(experimentId, key, value);
        guard.record("tracking.setExperimentTag", "experiment-id:" + experimentId, Map.of("after", Map.of(key, value)));
    }

    @Override
    public ActiveRun startRun(String experimentName) {
        return startRun(RunSpec.builder(experimentName).build());
    }



    @Override
    public ActiveRun startRun(RunSpec spec) {
        Objects.requireNonNull(spec, "run spec");
        guard.require(Permission.TRACK, "tracking.startRun", experimentTarget(spec.experimentName()));
        Validation.runName(spec.name());
        Validation.tags(spec.tags());
        spec.tags().keySet().forEach(this::refuseCapturedTag);
        Experiment experiment;
        if (spec.parentRunId().isPresent()) {
            // Checked before anything is created, so a refused nested run leaves no new experiment behind.
            Run parent = runUnchecked(spec.parentRunId().get());
            experiment = experimentUnchecked(parent.experimentId());
            if (!experiment.name().equals(Validation.experimentName(spec.experimentName()))) {
                throw new InvalidArgumentException("parent run '" + parent.id() + "' belongs to experiment '"
                        + experiment.name() + "', not to '" + spec.experimentName()
                        + "'; a nested run must be in its parent's experiment");
            }
        } else {
            experiment = experimentCreatedIfMissing(Validation.experimentName(spec.experimentName()));
        }
        String id = Ids.newId();
        String name = spec.name().isEmpty() ? "run-" + id.substring(0, 8) : spec.name();
        Optional<CapturedEnvironment> environment = captureEnvironment ? CapturedEnvironment.ONCE : Optional.empty();
        Map<String, String> tags = spec.tags();
        if (environment.isPresent()) {
            Map<String, String> merged = new java.util.LinkedHashMap<>(spec.tags());
            merged.putAll(environment.get().tags());
            tags = merged;
        }
        Run run = new Run(id, experiment.id(), name, spec.parentRunId(), RunStatus.RUNNING, clock.millis(),
                OptionalLong.empty(), principal.name(), Map.of(), tags, Map.of(), List.of());
        store.createRun(run);
        if (environment.isPresent()) {
            try {
                artifacts.put(artifactPrefix(id) + ENVIRONMENT_ARTIFACT, new java.io.ByteArrayInputStream(environment.get().json()));
            } catch (RuntimeException e) {
                // The caller gets no handle, so the run would stay RUNNING for ever: end it, saying why.
                try {
                    store.setRunTag(id, END_REASON_TAG, "the run environment could not be stored: " + e);
                    store.endRun(id, RunStatus.FAILED, clock.millis());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                guard.recordFailure("tracking.startRun", "runs:/" + id, "the run environment could not be stored: "
                        + e.getMessage(), e);
                throw e;
            }
        }
        guard.record("tracking.startRun", "runs:/" + id, Map.of("after", Map.of("experiment", experiment.name(),
                "name", name, "status", RunStatus.RUNNING.name())));
        return new DefaultActiveRun(this, run);
    }

    /** Tags environment capture writes: facts about where the run ran, which callers may not restate. */
    private static final List<String> CAPTURED_TAG_PREFIXES = List.of("mlflow.source.git.", "mlops.git.", "mlops.env.");

    void refuseCapturedTag(String key) {
        if (captureEnvironment && CAPTURED_TAG_PREFIXES.stream().anyMatch(key::startsWith)) {
            throw new InvalidArgumentException("tag '" + key + "' is recorded by environment capture when the run starts"
                    + " and cannot be set by hand (reserved prefixes " + CAPTURED_TAG_PREFIXES + "); build Mlops with"
                    + " captureEnvironment(false) to record it yourself");
        }
    }

    /**
     * The environment as every run of this JVM records it, captured and serialised once: git, the
     * class path and the host are what they were when the JVM's code was loaded.
     */
    private record CapturedEnvironment(Map<String, String> tags, byte[] json) {
        static final Optional<CapturedEnvironment> ONCE = capture();

        private static Optional<CapturedEnvironment> capture() {
            try {
                RunEnvironment environment = new EnvironmentCapture().capture();
                return Optional.of(new CapturedEnvironment(environment.tags(),
                        environment.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                // What produced a run is worth recording, but never worth failing a run for.
                LOG.warn("cannot capture the run environment; runs start without it: {}", e.toString());
                return Optional.empty();
            }
        }
    }

    @Override
    public <T> T run(RunSpec spec, RunBody<T> body) {
        Objects.requireNonNull(body, "body");
        DefaultActiveRun run = (DefaultActiveRun) startRun(spec);
        T result;
        try {
            result = body.apply(run);
        } catch (Exception | Error e) {
            run.failWith(e);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new MlopsException("run '" + run.id() + "' failed: " + e, e);
        }
        // A body may end the run itself (finish(), or end(KILLED)); its choice stands and its result is kept.
        if (!run.hasEnded()) {
            run.finish();
        }
        return result;
    }

    @Override
    public Run getRun(String runId) {
        Objects.requireNonNull(runId, "run id");
        guard.require(Permission.READ, "tracking.getRun", "runs:/" + runId);
        return runUnchecked(runId);
    }

    Run runUnchecked(String runId) {
        Objects.requireNonNull(runId, "run id");
        return store.findRun(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
    }

    @Override
    public List<Run> listRuns(String experimentId) {
        Objects.requireNonNull(experimentId, "experiment id");
        guard.require(Permission.READ, "tracking.listRuns", "experiment-id:" + experimentId);
        experimentUnchecked(experimentId);
        return store.listRuns(experimentId);
    }

    @Override
    public RunPage searchRuns(RunSearch search) {
        guard.require(Permission.READ, "tracking.searchRuns", "runs");
        return RunSearches.search(store, search);
    }

    @Override
    public List<Metric> getMetricHistory(String runId, String key) {
        Objects.requireNonNull(runId, "run id");
        guard.require(Permission.READ, "tracking.getMetricHistory", "runs:/" + runId);
        runUnchecked(runId);
        return store.metricHistory(runId, Validation.key("metric", key));
    }

    @Override
    public BatchedMetricLogger batchedLogger(String runId, BatchingOptions options) {
        Objects.requireNonNull(options, "batching options");
        Objects.requireNonNull(runId, "run id");
        guard.require(Permission.TRACK, "tracking.batchedLogger", "runs:/" + runId);
        Run run = runUnchecked(runId);
        if (run.status() != RunStatus.RUNNING) {
            throw new ConflictException("cannot log metrics to run '" + runId + "': it has already ended as "
                    + run.status() + "; only a RUNNING run takes new points");
        }
        // One entry covers every point the logger writes: the chain is not the place for each of millions.
        guard.record("tracking.batchedLogger", "runs:/" + runId, Map.of("after", Map.of("writers", options.writers(),
                "bufferCapacity", options.bufferCapacity())));
        RunLoggers loggers = openLoggers.computeIfAbsent(runId, id -> new RunLoggers());
        if (options.writers() == 1) {
            return loggers.add(new DefaultBatchedMetricLogger(store, runId, options, clock).start());
        }
        List<BatchedMetricLogger> lanes = new ArrayList<>(options.writers());
        for (int i = 0; i < options.writers(); i++) {
            lanes.add(new DefaultBatchedMetricLogger(store, runId, options, clock).start());
        }
        return loggers.add(new KeyPartitionedLogger(lanes));
    }

    /**
     * Closes (so flushes) every batched logger still open on a run, before the run ends, so that no
     * point lands after the end and none is lost with a daemon writer at exit.
     *
     * @throws io.mlops.api.MlopsException from the first logger whose points could not be stored
     */
    void closeLoggers(String runId) {
        RunLoggers loggers = openLoggers.remove(runId);
        if (loggers != null) {
            loggers.closeAll();
        }
    }

    /** The open batched loggers of one run. */
    private static final class RunLoggers {
        private final Set<BatchedMetricLogger> open = ConcurrentHashMap.newKeySet();

        BatchedMetricLogger add(BatchedMetricLogger logger) {
            BatchedMetricLogger tracked = new BatchedMetricLogger() {
                @Override
                public void logMetric(String key, double value, long step) {
                    logger.logMetric(key, value, step);
                }

                @Override
                public void logMetric(String key, double value, long step, long timestamp) {
                    logger.logMetric(key, value, step, timestamp);
                }

                @Override
                public void flush() {
                    logger.flush();
                }

                @Override
                public int pending() {
                    return logger.pending();
                }

                @Override
                public void close() {
                    try {
                        logger.close();
                    } finally {
                        open.remove(this);
                    }
                }

                @Override
                public String toString() {
                    return logger.toString();
                }
            };
            open.add(tracked);
            return tracked;
        }

        void closeAll() {
            KeyPartitionedLogger.applyToAll(List.copyOf(open), BatchedMetricLogger::close);
        }
    }

    @Override
    public List<StoredObject> listArtifacts(String runId) {
        Objects.requireNonNull(runId, "run id");
        guard.require(Permission.READ, "tracking.listArtifacts", "runs:/" + runId);
        runUnchecked(runId);
        return artifacts.list(artifactPrefix(runId));
    }

    private static String experimentTarget(String name) {
        return "experiment:" + name;
    }

    static String artifactPrefix(String runId) {
        return "runs/" + runId + "/";
    }
}
