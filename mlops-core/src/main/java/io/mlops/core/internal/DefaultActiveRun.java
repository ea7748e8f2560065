package io.mlops.core.internal;

import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunSpec;
import io.mlops.api.tracking.RunStatus;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A run in progress; every call checks its values and that the run has not ended. */
final class DefaultActiveRun implements ActiveRun {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveRun.class);

    private final DefaultTracking tracking;
    private final Run started;
    private volatile RunStatus endedAs;
    /** Metric points logged through this handle, reported in the run's end entry of the audit log. */
    private final LongAdder metricPoints = new LongAdder();

    DefaultActiveRun(DefaultTracking tracking, Run started) {
        this.tracking = tracking;
        this.started = started;
    }

    @Override
    public String id() {
        return started.id();
    }

    @Override
    public String experimentId() {
        return started.experimentId();
    }

    @Override
    public Run snapshot() {
        return tracking.runUnchecked(id());
    }

    @Override
    public ActiveRun logParam(String key, String value) {
        Validation.paramValue(Validation.key("param", key), value);
        checkRunning("log param '" + key + "'");
        Optional<String> existing = tracking.store.putParamIfAbsent(id(), key, value);
        if (existing.isEmpty()) {
            tracking.guard.record("tracking.logParam", target(), Map.of("after", Map.of(key, value)));
        } else if (!existing.get().equals(value)) {
            throw new ConflictException("param '" + key + "' of run '" + id() + "' is already '" + existing.get()
                    + "'; params never change once set, so it cannot become '" + value
                    + "' (log a metric or tag for values that change)");
        }
        return this;
    }

    @Override
    public ActiveRun logParams(Map<String, String> params) {
        Objects.requireNonNull(params, "params").forEach(this::logParam);
        return this;
    }

    @Override
    public ActiveRun logMetric(String key, double value) {
        return logMetric(key, value, 0);
    }

    @Override
    public ActiveRun logMetric(String key, double value, long step) {
        Validation.metricValue(Validation.key("metric", key), value);
        Validation.metricStep(key, step);
        checkRunning("log metric '" + key + "'");
        tracking.store.logMetrics(id(), List.of(new Metric(key, value, step, tracking.clock.millis())));
        metricPoints.increment();
        return this;
    }

    @Override
    public ActiveRun logMetrics(Map<String, Double> values, long step) {
        Objects.requireNonNull(values, "values");
        long now = tracking.clock.millis();
        List<Metric> points = new ArrayList<>(values.size());
        values.forEach((key, value) -> {
            Validation.metricValue(Validation.key("metric", key), Objects.requireNonNull(value, "value of metric " + key));
            Validation.metricStep(key, step);
            points.add(new Metric(key, value, step, now));
        });
        checkRunning("log metrics " + values.keySet());
        tracking.store.logMetrics(id(), points);
        metricPoints.add(points.size());
        return this;
    }

    @Override
    public ActiveRun setTag(String key, String value) {
        Validation.tagValue(Validation.key("tag", key), value);
        tracking.refuseCapturedTag(key);
        checkRunning("set tag '" + key + "'");
        tracking.store.setRunTag(id(), key, value);
        tracking.guard.record("tracking.setTag", target(), Map.of("after", Map.of(key, value)));
        return this;
    }

    @Override
    public DatasetVersion logDataset(String name, Path data, String context) {
        Validation.datasetContext(context);
        checkRunning("log dataset '" + name + "'");
        DatasetVersion version = tracking.datasets.log(name, data);
        logInput(version.toDataset(), context);
        return version;
    }

    @Override
    public ActiveRun logInput(Dataset dataset, String context) {
        Objects.requireNonNull(dataset, "dataset");
        Validation.datasetName(dataset.name());
        Validation.datasetDigest(dataset.digest());
        Validation.datasetContext(context);
        if (dataset.rowCount().isPresent() && dataset.rowCount().getAsLong() < 0) {
            throw new InvalidArgumentException("row count " + dataset.rowCount().getAsLong() + " of dataset '"
                    + dataset.name() + "' is negative");
        }
        checkRunning("log input '" + dataset.name() + "'");
        tracking.store.logInputs(id(), List.of(new DatasetInput(dataset, context)));
        tracking.guard.record("tracking.logInput", target(), Map.of("after", Map.of("dataset", dataset.name(),
                "digest", dataset.digest(), "context", context)));
        return this;
    }

    @Override
    public StoredObject logArtifact(Path file, String artifactPath) {
        checkRunning("log artifact '" + artifactPath + "'");
        return recorded(tracking.artifacts.put(artifactKey(artifactPath), Objects.requireNonNull(file, "file")));
    }

    @Override
    public StoredObject logArtifact(InputStream content, String artifactPath) {
        checkRunning("log artifact '" + artifactPath + "'");
        return recorded(tracking.artifacts.put(artifactKey(artifactPath), Objects.requireNonNull(content, "content")));
    }

    private StoredObject recorded(StoredObject stored) {
        tracking.guard.record("tracking.logArtifact", target(), Map.of("after", Map.of("key", stored.key(),
                "sha256", stored.sha256(), "size", stored.size())));
        return stored;
    }

    private String target() {
        return "runs:/" + id();
    }

    @Override
    public String artifactKey(String artifactPath) {
        return ArtifactKeys.validate(DefaultTracking.artifactPrefix(id()) + Objects.requireNonNull(artifactPath, "artifact path"));
    }

    @Override
    public ActiveRun startChild(String name) {
        checkRunning("start a child run");
        String experimentName = tracking.getExperiment(experimentId()).name();
        return tracking.startRun(RunSpec.builder(experimentName).name(name).parent(id()).build());
    }

    @Override
    public void finish() {
        end(RunStatus.FINISHED);
    }

    @Override
    public void end(RunStatus status) {
        Objects.requireNonNull(status, "status");
        if (!status.isTerminal()) {
            throw new InvalidArgumentException("cannot end run '" + id() + "' as " + status
                    + "; expected FINISHED, FAILED or KILLED");
        }
        checkRunning("end as " + status);
        // Points still buffered belong before the end; if they cannot be stored the run stays RUNNING.
        tracking.closeLoggers(id());
        if (!tracking.store.endRun(id(), status, tracking.clock.millis())) {
            Run current = tracking.runUnchecked(id());
            endedAs = current.status();
            throw new ConflictException("run '" + id() + "' was already ended as " + current.status()
                    + " elsewhere; cannot end it as " + status);
        }
        endedAs = status;
        recordEnd(status, "");
    }

    /**
     * The run's end, with how many metric points this handle logged: a training loop logs them by
     * the thousand, and an audit entry each would queue every writer behind the chain's head lock.
     */
    private void recordEnd(RunStatus status, String reason) {
        Map<String, Object> after = Map.of("status", status.name(), "metricPoints", metricPoints.sum());
        tracking.guard.record("tracking.endRun", target(), reason.isEmpty()
                ? Map.of("after", after)
                : Map.of("after", after, "reason", reason));
    }

    @Override
    public void close() {
        if (endedAs != null) {
            return;
        }
        LOG.debug("run {} closed without finish(); ending it FAILED", id());
        endQuietly(RunStatus.FAILED, "closed without finish(): an exception or early exit left the block", null);
    }

    boolean hasEnded() {
        return endedAs != null;
    }

    /** Ends the run FAILED because of {@code cause}, never masking {@code cause} with a store error. */
    void failWith(Throwable cause) {
        if (endedAs == null) {
            endQuietly(RunStatus.FAILED, cause.getClass().getName() + ": " + cause.getMessage(), cause);
        }
    }

    private void endQuietly(RunStatus status, String reason, Throwable primary) {
        try {
            try {
                tracking.closeLoggers(id());
            } catch (RuntimeException lostPoints) {
                reason = reason + "; and buffered metric points could not be stored: " + lostPoints.getMessage();
                if (primary != null) {
                    primary.addSuppressed(lostPoints);
                }
            }
            if (tracking.store.endRun(id(), status, tracking.clock.millis())) {
                tracking.store.setRunTag(id(), DefaultTracking.END_REASON_TAG, shortened(reason));
                endedAs = status;
                recordEnd(status, shortened(reason));
            } else {
                // Ended elsewhere meanwhile: keep its status and reason.
                endedAs = tracking.runUnchecked(id()).status();
            }
        } catch (RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            } else {
                throw e;
            }
        }
    }

    /** At most 1000 characters, cut on a code point boundary: a reason, not a dump. */
    private static String shortened(String reason) {
        int max = 1000;
        if (reason.length() <= max) {
            return reason;
        }
        int end = Character.isHighSurrogate(reason.charAt(max - 1)) ? max - 1 : max;
        return reason.substring(0, end) + "…";
    }

    private void checkRunning(String action) {
        RunStatus ended = endedAs;
        if (ended != null) {
            throw new ConflictException("cannot " + action + ": run '" + id() + "' has already ended as " + ended);
        }
    }

    @Override
    public String toString() {
        return "ActiveRun[" + id() + ", experiment " + experimentId() + (endedAs == null ? ", running]" : ", " + endedAs + "]");
    }
}
