package io.mlops.api.tracking;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A version of a data set, identified by the digest of its content.
 *
 * <pre>{@code
 * Dataset data = Dataset.builder("bank-marketing", "sha256:2d42…")
 *         .source("file:data/bank-marketing.csv")
 *         .rowCount(41_188)
 *         .schema(List.of(new DatasetColumn("age", "integer")))
 *         .build();
 * run.logInput(data, "training");
 * }</pre>
 *
 * @param name     human-readable name
 * @param digest   content digest, conventionally {@code sha256:<64 hex>}; the identity of the version
 * @param source   where it came from (a URI or a description); empty when unknown
 * @param rowCount number of rows for tabular data
 * @param schema   column schema for tabular data; never null, may be empty
 */
public record Dataset(String name, String digest, String source, OptionalLong rowCount, List<DatasetColumn> schema) {

    public Dataset {
        Objects.requireNonNull(name, "dataset name");
        Objects.requireNonNull(digest, "dataset digest");
        source = source == null ? "" : source;
        rowCount = rowCount == null ? OptionalLong.empty() : rowCount;
        schema = schema == null ? List.of() : List.copyOf(schema);
    }

    public static Builder builder(String name, String digest) {
        return new Builder(name, digest);
    }

    /** Builds a {@link Dataset}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final String digest;
        private String source = "";
        private OptionalLong rowCount = OptionalLong.empty();
        private List<DatasetColumn> schema = List.of();

        private Builder(String name, String digest) {
            this.name = name;
            this.digest = digest;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder rowCount(long rows) {
            this.rowCount = OptionalLong.of(rows);
            return this;
        }

        public Builder schema(List<DatasetColumn> columns) {
            this.schema = columns;
            return this;
        }

        public Dataset build() {
            return new Dataset(name, digest, source, rowCount, schema);
        }
    }
}
