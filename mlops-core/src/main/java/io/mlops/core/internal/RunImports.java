package io.mlops.core.internal;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.Entity;
import io.mlops.api.spi.search.Field;
import io.mlops.api.spi.search.Operator;
import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import io.mlops.core.internal.governance.Permission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Brings a run recorded by another tracking system (MLflow) into the store with its history intact:
 * its own start and end times, user, status, params, tags and every metric point with its step and
 * timestamp. The rules are the tracking rules (names, sizes, authorization, audit); adapters that
 * read foreign formats call this and do I/O only.
 *
 * <p>Imports are idempotent: a run carries {@value #SOURCE_TAG}, and importing the same source run
 * into the same experiment again returns the run imported before.
 */
public final class RunImports {

    /** Tag naming where an imported run came from, for example {@code mlflow:4f1c…}. */
    public static final String SOURCE_TAG = "mlops.import.source";
    /** Tag naming who imported it. */
    public static final String IMPORTED_BY_TAG = "mlops.import.by";
    private static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{32}");

    private RunImports() {
    }

    /**
     * A run as another system recorded it.
     *
     * @param source    where it comes from, unique per source run, e.g. {@code mlflow:<run id>}
     * @param preferredId the run id to keep when it is 32 lowercase hex characters and free; may be empty
     */
    public record ForeignRun(String experimentName, String source, String preferredId, String name, String user,
            RunStatus status, long startTime, OptionalLong endTime, Map<String, String> params,
            Map<String, String> tags, List<Metric> metrics) {
        public ForeignRun {
            Objects.requireNonNull(experimentName, "experimentName");
            Objects.requireNonNull(source, "source");
            preferredId = preferredId == null ? "" : preferredId;
            name = name == null ? "" : name;
            user = user == null ? "" : user;
            Objects.requireNonNull(status, "status");
            endTime = endTime == null ? OptionalLong.empty() : endTime;
            params = Map.copyOf(params);
            tags = Map.copyOf(tags);
            metrics = List.copyOf(metrics);
        }
    }

    /**
     * What an import did.
     *
     * @param runId           the run in this store
     * @param alreadyImported true when an earlier import of the same source was found and nothing was written
     * @param skipped         what could not be kept, each with the reason (e.g. a NaN metric point)
     */
    public record Outcome(String runId, boolean alreadyImported, List<String> skipped) {
        public Outcome {
            skipped = List.copyOf(skipped);
        }
    }

    /** Imports one run; see the class comment. */
    public static Outcome importRun(Mlops mlops, ForeignRun foreign) {
        DefaultTracking tracking = trackingOf(mlops);
        Validation.experimentName(foreign.experimentName());
        tracking.guard.require(Permission.TRACK, "tracking.importRun", "experiment:" + foreign.experimentName());
        Validation.tagValue(SOURCE_TAG, foreign.source());

        Experiment experiment = tracking.getOrCreateExperiment(foreign.experimentName());
        // One indexed lookup, not a read of every run in the experiment per imported run.
        Optional<Run> earlier = tracking.store.searchRuns(new RunQuery(List.of(experiment.id()),
                List.of(new Comparison(new Field(Entity.TAG, SOURCE_TAG), Operator.EQ, List.of(foreign.source()))),
                List.of(), 0, 1)).stream().findFirst();
        if (earlier.isPresent()) {
            return new Outcome(earlier.get().id(), true, List.of());
        }

        List<String> skipped = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        foreign.params().forEach((key, value) -> keep("param", key, () -> {
            Validation.key("param", key);
            Validation.paramValue(key, value);
            params.put(key, value);
        }, skipped));
        Map<String, String> tags = new LinkedHashMap<>();
        foreign.tags().forEach((key, value) -> keep("tag", key, () -> {
            Validation.key("tag", key);
            Validation.tagValue(key, value);
            tags.put(key, value);
        }, skipped));
        tags.put(IMPORTED_BY_TAG, tracking.principal.name());
        List<Metric> metrics = new ArrayList<>();
        for (Metric m : foreign.metrics()) {
            keep("metric point", m.key() + " at step " + m.step(), () -> {
                Validation.key("metric", m.key());
                Validation.metricValue(m.key(), m.value());
                Validation.metricStep(m.key(), m.step());
                metrics.add(m);
            }, skipped);
        }

        String id = RUN_ID.matcher(foreign.preferredId()).matches() && tracking.store.findRun(foreign.preferredId()).isEmpty()
                ? foreign.preferredId() : Ids.newId();
        String name = foreign.name().isEmpty() ? "run-" + id.substring(0, 8) : foreign.name();
        Validation.runName(name);
        String user = foreign.user().isEmpty() ? tracking.principal.name() : foreign.user();
        tracking.store.createRun(new Run(id, experiment.id(), name, Optional.empty(), RunStatus.RUNNING,
                foreign.startTime(), OptionalLong.empty(), user, Map.of(), tags, Map.of(), List.of()));
        try {
            params.forEach((key, value) -> tracking.store.putParamIfAbsent(id, key, value));
            if (!metrics.isEmpty()) {
                tracking.store.logMetrics(id, metrics);
            }
            RunStatus end = foreign.status();
            if (end == RunStatus.RUNNING) {
                // An imported run has no process behind it that could ever end it.
                tracking.store.setRunTag(id, DefaultTracking.END_REASON_TAG, "imported while it was still running at the source");
                end = RunStatus.KILLED;
            }
            tracking.store.endRun(id, end, foreign.endTime().orElse(foreign.startTime()));
            // Written last: a run carrying it is complete, so an import that broke off is redone, not skipped.
            tracking.store.setRunTag(id, SOURCE_TAG, foreign.source());
        } catch (RuntimeException e) {
            try {
                tracking.store.setRunTag(id, DefaultTracking.END_REASON_TAG, "import from " + foreign.source()
                        + " broke off: " + e);
                tracking.store.endRun(id, RunStatus.FAILED, tracking.clock.millis());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            tracking.guard.recordFailure("tracking.importRun", "runs:/" + id, "import from " + foreign.source()
                    + " broke off: " + e.getMessage(), e);
            throw e;
        }
        tracking.guard.record("tracking.importRun", "runs:/" + id, Map.of("after", Map.of("source", foreign.source(),
                "params", params.size(), "metricPoints", metrics.size(), "tags", tags.size() + 1, "skipped", skipped.size())));
        return new Outcome(id, false, skipped);
    }

    /** The store key of an artifact of run {@code runId} at {@code artifactPath}. */
    public static String artifactKey(String runId, String artifactPath) {
        return ArtifactKeys.validate(DefaultTracking.artifactPrefix(runId) + artifactPath);
    }

    private static void keep(String kind, String what, Runnable check, List<String> skipped) {
        try {
            check.run();
        } catch (InvalidArgumentException e) {
            skipped.add(kind + " " + what + ": " + e.getMessage());
        }
    }

    private static DefaultTracking trackingOf(Mlops mlops) {
        if (!(mlops.tracking() instanceof DefaultTracking tracking)) {
            throw new IllegalArgumentException("imports need an Mlops built by Mlops.builder(), not " + mlops.getClass());
        }
        return tracking;
    }
}
