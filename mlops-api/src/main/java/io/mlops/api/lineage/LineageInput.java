package io.mlops.api.lineage;

import io.mlops.api.data.DatasetVersion;
import io.mlops.api.tracking.DatasetInput;
import java.util.Objects;
import java.util.Optional;

/**
 * A dataset a run used, with its stored version when the content is in the store.
 *
 * @param input  what the run recorded: name, digest and role
 * @param stored the stored version with that name and digest; empty when the run only recorded a
 *               digest (the data cannot then be restored from the store)
 */
public record LineageInput(DatasetInput input, Optional<DatasetVersion> stored) {
    public LineageInput {
        Objects.requireNonNull(input, "input");
        stored = stored == null ? Optional.empty() : stored;
    }
}
