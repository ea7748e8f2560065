package io.mlops.core.internal.data;

import io.mlops.api.data.ColumnProfile;
import io.mlops.api.tracking.DatasetColumn;
import java.util.List;

/**
 * What profiling found in tabular data.
 *
 * @param rows    data rows (the header not counted)
 * @param schema  column names with their types
 * @param profile one profile per column, in schema order
 */
public record Tabular(long rows, List<DatasetColumn> schema, List<ColumnProfile> profile) {
    public Tabular {
        schema = List.copyOf(schema);
        profile = List.copyOf(profile);
    }
}
