package io.mlops.api.tracking;

import java.util.Objects;

/**
 * One column of a tabular data set's schema.
 *
 * @param name column name as in the source
 * @param type logical type, for example {@code integer}, {@code double}, {@code string}
 */
public record DatasetColumn(String name, String type) {
    public DatasetColumn {
        Objects.requireNonNull(name, "column name");
        Objects.requireNonNull(type, "column type");
    }
}
