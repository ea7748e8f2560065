package io.mlops.api.data;

import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetColumn;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A stored version of a dataset: a name for people, and the digest of its manifest as its identity.
 *
 * <pre>{@code
 * DatasetVersion data = mlops.datasets().log("bank-marketing", Path.of("data/bank-marketing.csv"));
 * run.logInput(data, "training");
 * data.digest();              // "sha256:9a1f…", the same for the same bytes anywhere
 * data.profile().get(0);      // ColumnProfile[name=age, type=integer, count=41188, …]
 * }</pre>
 *
 * @param name         human-readable name, 1–256 characters
 * @param digest       {@code sha256:<64 hex>} of the canonical manifest (see {@link DatasetManifest})
 * @param kind         file, folder or query result
 * @param source       where it was read from: a {@code file:} URI, or the query text; never null
 * @param fileCount    number of files in the manifest
 * @param sizeBytes    total bytes
 * @param rowCount     data rows of tabular data (CSV files and query results); empty otherwise
 * @param schema       columns of tabular data; empty otherwise
 * @param profile      one profile per column of tabular data, in schema order; empty otherwise
 * @param createdBy    the principal that first logged this version under this name
 * @param creationTime epoch milliseconds of that first logging
 */
public record DatasetVersion(
        String name,
        String digest,
        DatasetKind kind,
        String source,
        int fileCount,
        long sizeBytes,
        OptionalLong rowCount,
        List<DatasetColumn> schema,
        List<ColumnProfile> profile,
        String createdBy,
        long creationTime) {

    public DatasetVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(kind, "kind");
        source = source == null ? "" : source;
        rowCount = rowCount == null ? OptionalLong.empty() : rowCount;
        schema = schema == null ? List.of() : List.copyOf(schema);
        profile = profile == null ? List.of() : List.copyOf(profile);
        createdBy = createdBy == null ? "" : createdBy;
    }

    /** The reference a run records when it uses this version ({@code run.logInput(version, context)}). */
    public Dataset toDataset() {
        return new Dataset(name, digest, source, rowCount, schema);
    }

    /** {@code datasets:/<name>@<digest>}. */
    public String uri() {
        return "datasets:/" + name + "@" + digest;
    }
}
