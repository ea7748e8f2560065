package io.mlops.mlflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A run read from an MLflow file store: its {@code meta.yaml} and its {@code params/}, {@code tags/}
 * and {@code metrics/} folders.
 *
 * <pre>{@code
 * MlflowFileStore store = MlflowFileStore.open(Path.of("mlruns"));
 * for (MlflowExperiment e : store.experiments()) {
 *     for (MlflowRun run : store.runs(e)) {
 *         if (run.status() == MlflowRunStatus.FINISHED) {
 *             System.out.println(run.name() + " " + run.params());
 *         }
 *     }
 * }
 * }</pre>
 *
 * @param id the run id, which is also the name of its directory
 * @param experimentId the id of the experiment the run belongs to
 * @param name the run name, from {@code meta.yaml} or else the {@code mlflow.runName} tag; {@code ""} if neither
 * @param userId who started the run, or {@code ""} if not recorded
 * @param status the run state
 * @param startTime milliseconds since the epoch
 * @param endTime milliseconds since the epoch; empty while the run has not ended
 * @param lifecycleStage {@code "active"} or {@code "deleted"}
 * @param artifactUri where MLflow stored the run's artifacts, like {@code file:///.../artifacts} or
 *     {@code s3://...}; {@code ""} if not recorded
 * @param params parameter values by key, sorted by key; nested keys use {@code '/'}
 * @param tags tag values by key, sorted by key; nested keys use {@code '/'}
 * @param metrics every recorded metric value, ordered by key and, within a key, as recorded
 * @param artifactsDirectory the run's artifacts on the local file system, if they are there
 * @param directory the run's directory in the store
 */
public record MlflowRun(
        String id,
        String experimentId,
        String name,
        String userId,
        MlflowRunStatus status,
        long startTime,
        OptionalLong endTime,
        String lifecycleStage,
        String artifactUri,
        Map<String, String> params,
        Map<String, String> tags,
        List<MlflowMetric> metrics,
        Optional<Path> artifactsDirectory,
        Path directory) {

    public MlflowRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(lifecycleStage, "lifecycleStage");
        Objects.requireNonNull(artifactUri, "artifactUri");
        Objects.requireNonNull(artifactsDirectory, "artifactsDirectory");
        Objects.requireNonNull(directory, "directory");
        // TreeMap copies rather than Map.copyOf: importers and tests rely on a stable, sorted order.
        params = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(params, "params")));
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(tags, "tags")));
        // List.sort is stable, so values of one key keep the order in which they were recorded.
        List<MlflowMetric> sorted = new ArrayList<>(Objects.requireNonNull(metrics, "metrics"));
        sorted.sort(Comparator.comparing(MlflowMetric::key));
        metrics = List.copyOf(sorted);
    }
}
