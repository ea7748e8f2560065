package io.mlops.mlflow;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * An experiment read from an MLflow file store: its {@code meta.yaml} and its {@code tags/} folder.
 *
 * <pre>{@code
 * for (MlflowExperiment e : MlflowFileStore.open(Path.of("mlruns")).experiments()) {
 *     System.out.println(e.id() + " " + e.name() + " " + e.lifecycleStage());
 * }
 * }</pre>
 *
 * @param id the experiment id, which is also the name of its directory, like {@code "0"}
 * @param name the experiment name
 * @param lifecycleStage {@code "active"} or {@code "deleted"}
 * @param artifactLocation the root URI of the experiment's artifacts, or {@code ""} if none was recorded
 * @param creationTime milliseconds since the epoch; empty for stores written before MLflow recorded it
 * @param tags experiment tags by key, sorted by key; nested keys use {@code '/'}
 * @param directory the experiment's directory in the store
 */
public record MlflowExperiment(
        String id,
        String name,
        String lifecycleStage,
        String artifactLocation,
        OptionalLong creationTime,
        Map<String, String> tags,
        Path directory) {

    public MlflowExperiment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lifecycleStage, "lifecycleStage");
        Objects.requireNonNull(artifactLocation, "artifactLocation");
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(directory, "directory");
        // A TreeMap copy rather than Map.copyOf: importers and tests rely on a stable, sorted order.
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(tags, "tags")));
    }
}
