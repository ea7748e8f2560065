package io.mlops.api.tracking;

import java.util.Objects;

/**
 * A data set a run used, and in what role.
 *
 * @param dataset the data set version
 * @param context its role, for example {@code training}, {@code validation} or {@code test}
 */
public record DatasetInput(Dataset dataset, String context) {
    public DatasetInput {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(context, "context");
    }
}
