package io.mlops.api.lineage;

import io.mlops.api.data.DatasetVersion;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.tracking.Run;
import java.util.List;
import java.util.Objects;

/**
 * Where a dataset version went: the runs that used it and the model versions they produced.
 *
 * @param digest   the dataset digest
 * @param stored   the stored versions with this digest (one per name); may be empty if runs only recorded it
 * @param runs     runs that used it, oldest first
 * @param versions model versions registered from those runs
 */
public record DatasetLineage(String digest, List<DatasetVersion> stored, List<Run> runs, List<ModelVersion> versions) {
    public DatasetLineage {
        Objects.requireNonNull(digest, "digest");
        stored = List.copyOf(stored);
        runs = List.copyOf(runs);
        versions = List.copyOf(versions);
    }
}
