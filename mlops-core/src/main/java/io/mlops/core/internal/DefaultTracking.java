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
import io.mlops.core.internal.search.RunSearches;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The rules of tracking over any {@link TrackingStore}. */
final class DefaultTracking implements Tracking {

    /** Tag recording why a run ended FAILED or KILLED. */
    static final String END_REASON_TAG = "mlops.end_reason";

    final TrackingStore store;
    private final ConcurrentHashMap<String, RunLoggers> openLoggers = new ConcurrentHashMap<>();
    final ArtifactStore artifacts;
    final Principal principal;
    final Clock clock;

    DefaultTracking(TrackingStore store, ArtifactStore artifacts, Principal principal, Clock clock) {
        this.store = store;
        this.artifacts = artifacts;
        this.principal = principal;
        this.clock = clock;
    }

    @Override
    public Experiment getOrCreateExperiment(String name) {
        Validation.experimentName(name);
        Optional<Experiment> existing = store.findExperimentByName(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return store.createExperiment(Ids.newId(), name, Map.of(), clock.millis());
        } catch (AlreadyExistsException lostTheRace) {
            return store.findExperimentByName(name).orElseThrow(() -> lostTheRace);
        }
    }

    @Override
    public Experiment createExperiment(String name, Map<String, String> tags) {
        Validation.experimentName(name);
        Validation.tags(Objects.requireNonNull(tags, "tags"));
        return store.createExperiment(Ids.newId(), name, tags, clock.millis());
    }

    @Override
    public Experiment getExperiment(String experimentId) {
        Objects.requireNonNull(experimentId, "experiment id");
        return store.findExperimentById(experimentId)
                .orElseThrow(() -> new NotFoundException("experiment with id '" + experimentId + "' does not exist"));
    }

    @Override
    public Experiment getExperimentByName(String name) {
        return findExperimentByName(name).orElseThrow(() -> new NotFoundException("experiment '" + name
                + "' does not exist; existing experiments: " + store.listExperiments().stream().map(Experiment::name).toList()));
    }

    @Override
    public Optional<Experiment> findExperimentByName(String name) {
        return store.findExperimentByName(Validation.experimentName(name));
    }

    @Override
    public List<Experiment> listExperiments() {
        return store.listExperiments();
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        Validation.tagValue(Validation.key("tag", key), value);
        store.setExperimentTag(Objects.requireNonNull(experimentId, "experiment id"), key, value);
    }

    @Override
    public ActiveRun startRun(String experimentName) {
        return startRun(RunSpec.builder(experimentName).build());
    }

    @Override
    public ActiveRun startRun(RunSpec spec) {
        Objects.requireNonNull(spec, "run spec");
        Validation.runName(spec.name());
        Validation.tags(spec.tags());
        Experiment experiment;
        if (spec.parentRunId().isPresent()) {
            // Checked before anything is created, so a refused nested run leaves no new experiment behind.
            Run parent = getRun(spec.parentRunId().get());
            experiment = getExperiment(parent.experimentId());
            if (!experiment.name().equals(Validation.experimentName(spec.experimentName()))) {
                throw new InvalidArgumentException("parent run '" + parent.id() + "' belongs to experiment '"
                        + experiment.name() + "', not to '" + spec.experimentName()
                        + "'; a nested run must be in its parent's experiment");
            }
        } else {
            experiment = getOrCreateExperiment(spec.experimentName());
        }
        String id = Ids.newId();
        String name = spec.name().isEmpty() ? "run-" + id.substring(0, 8) : spec.name();
        Run run = new Run(id, experiment.id(), name, spec.parentRunId(), RunStatus.RUNNING, clock.millis(),
                OptionalLong.empty(), principal.name(), Map.of(), spec.tags(), Map.of(), List.of());
        store.createRun(run);
        return new DefaultActiveRun(this, run);
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
        return store.findRun(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
    }

    @Override
    public List<Run> listRuns(String experimentId) {
        getExperiment(experimentId);
        return store.listRuns(experimentId);
    }

    @Override
    public RunPage searchRuns(RunSearch search) {
        return RunSearches.search(store, search);
    }

    @Override
    public List<Metric> getMetricHistory(String runId, String key) {
        getRun(runId);
        return store.metricHistory(runId, Validation.key("metric", key));
    }

    @Override
    public BatchedMetricLogger batchedLogger(String runId, BatchingOptions options) {
        Objects.requireNonNull(options, "batching options");
        Run run = getRun(runId);
        if (run.status() != RunStatus.RUNNING) {
            throw new ConflictException("cannot log metrics to run '" + runId + "': it has already ended as "
                    + run.status() + "; only a RUNNING run takes new points");
        }
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
        getRun(runId);
        return artifacts.list(artifactPrefix(runId));
    }

    static String artifactPrefix(String runId) {
        return "runs/" + runId + "/";
    }
}
