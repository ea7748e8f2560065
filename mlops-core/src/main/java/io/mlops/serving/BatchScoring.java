package io.mlops.serving;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.serving.Scorer;
import io.mlops.core.internal.serving.batch.BatchRunner;
import io.mlops.core.internal.serving.batch.BatchSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Scores a CSV file, or the rows of a SQL query, into a CSV file: batch mode of the serving
 * runtime. Rows are streamed in chunks (read a chunk, score it in one
 * {@link Scorer#scoreBatch} call, write it, repeat), so memory is bounded by the chunk size
 * whatever the input's size.
 *
 * <pre>{@code
 * try (Scorer scorer = mlops.scorer("models:/bank-term-deposit/3")) {
 *     BatchScoringResult r = BatchScoring.builder(scorer)
 *             .chunkRows(1024)
 *             .copyColumns("client_id")
 *             .progress(p -> log.info("{} rows scored", p.rows()))
 *             .build()
 *             .scoreCsv(Path.of("clients.csv"), Path.of("scores.csv"));
 *     // scores.csv: client_id,label,p_no,p_yes   scores.csv.json: model version, input, sha256s
 * }
 * }</pre>
 *
 * <h2>Input</h2>
 * A CSV file is UTF-8 (a byte order mark is ignored) with a header line naming the columns;
 * cells may be quoted with {@code "} to hold separators, quotes ({@code ""}) or line breaks;
 * blank lines are skipped. Every line must have one cell per header column. A query's columns
 * are named by their labels ({@code AS} names), matched to features ignoring case since SQL
 * folds unquoted names; CSV names match exactly.
 *
 * <p>Each of the scorer's {@link Scorer#features() features} is read from the column of the same
 * name, converted to the feature's type: NUMBER from a decimal such as {@code 41}, {@code -0.5} or
 * {@code 1.2e3} (an empty cell, or {@code NaN}, is NaN, which the scorer's
 * {@link io.mlops.api.serving.NanPolicy} then accepts or refuses); STRING as is; BOOLEAN from
 * {@code true} or {@code false} in any case. Query values are taken as the driver gives them:
 * any {@link Number} for NUMBER (SQL NULL is NaN), {@link Boolean} (or 0/1) for BOOLEAN, and text
 * is parsed as in a CSV cell; NULL is refused for STRING and BOOLEAN. Models with a single
 * vector input that do not name its features cannot be fed from columns and are refused.
 *
 * <h2>Output</h2>
 * A comma-separated UTF-8 CSV file with a header line: the copied input columns (by default all
 * of them, in input order; see {@link Builder#copyColumns}), then the prediction columns:
 * {@code label} and {@code p_<class>} per class in the model's class order for a classifier;
 * {@code value}, or {@code value_0 … value_<n-1>} for several outputs, for a regressor. Numbers
 * are written so that they read back as exactly the double the scorer returned. An input with no
 * rows gives only the header of the copied columns, because the prediction columns are known
 * only from a prediction.
 *
 * <h2>Model version: the sidecar</h2>
 * Next to the output, {@code <output>.json} records (format version 1) the model's name, version,
 * {@code models:/} URI and sha256, the input (absolute path with its sha256, or the SQL text),
 * the output's file name, columns and sha256, the row count, and the start and finish times.
 * The version is deliberately not put into the CSV header: any CSV reader, spreadsheet or
 * {@code COPY} then loads the output as plain columns, and files scored by different versions
 * keep the same columns. The output's sha256 in the sidecar ties the two files together.
 *
 * <h2>All or nothing</h2>
 * Rows are written to a hidden temporary file in the output's folder; on success it is flushed
 * to disk and renamed into place atomically, then the sidecar the same way: an output is complete
 * when its sidecar exists and names its sha256 (as {@link io.mlops.stores.LocalArtifactStore}
 * writes an artifact's bytes, then its record). On any failure (a bad cell, a scoring error, an
 * exception from the progress callback, an interrupt between chunks) the temporary file is
 * deleted and neither file appears. An existing output or sidecar is refused unless
 * {@link Builder#overwrite(boolean)} allows replacing it; the output's folder must exist.
 *
 * <h2>Errors</h2>
 * Before any row is read, missing feature columns are reported all at once with the input's
 * header. A cell that cannot be converted fails with the file, its line number (counting the
 * header as line 1), the column's number and name, the value and what the feature needs. A row
 * the scorer refuses (for example NaN under {@code NanPolicy.REJECT}) is located by line within
 * its chunk. All are {@link InvalidArgumentException}s; I/O and SQL failures are
 * {@link io.mlops.api.MlopsException}s with the cause kept.
 *
 * <h2>Threads</h2>
 * Immutable and thread-safe: one instance may run several scorings at once, each on its calling
 * thread, into different outputs (two runs into the same output leave the one finishing last).
 * The progress callback runs on the thread that called {@code scoreCsv} or {@code scoreQuery}.
 * A scorer that follows an alias (from a {@link ModelServer}) must not move during a run: the run
 * checks after each chunk and fails rather than mix two versions in one output.
 *
 * <p>No argument may be null.
 */
public final class BatchScoring {

    /** Rows read, scored and written per step unless {@link Builder#chunkRows} says otherwise. */
    public static final int DEFAULT_CHUNK_ROWS = 1024;

    private final BatchSettings settings;

    private BatchScoring(BatchSettings settings) {
        this.settings = settings;
    }

    /** A builder scoring with {@code scorer}, which the caller keeps owning and closing. */
    public static Builder builder(Scorer scorer) {
        return new Builder(scorer);
    }

    /**
     * Scores every row of a CSV file into {@code output} and writes {@code <output>.json}.
     *
     * @throws InvalidArgumentException if the input is missing, empty, not UTF-8 or not CSV, lacks a
     *                                  feature column, or has a cell or row that cannot be scored
     * @throws io.mlops.api.AlreadyExistsException if the output or its sidecar exists and overwrite is off
     */
    public BatchScoringResult scoreCsv(Path input, Path output) {
        return BatchRunner.scoreCsv(settings, input, output);
    }

    /**
     * Scores the rows of a query, on a connection borrowed from {@code dataSource} for the run and
     * closed afterwards, into {@code output}; see {@link #scoreQuery(Connection, String, Path)}.
     */
    public BatchScoringResult scoreQuery(DataSource dataSource, String sql, Path output) {
        return BatchRunner.scoreQuery(settings, dataSource, sql, output);
    }

    /**
     * Scores the rows of a query into {@code output} and writes {@code <output>.json}. The query
     * runs forward-only and read-only with a fetch size of one chunk, so drivers that can stream
     * do. PostgreSQL streams only inside a transaction: if the connection is in auto-commit mode,
     * auto-commit is turned off for the run, then the transaction is rolled back (the query is
     * only read) and auto-commit turned back on, whether the run succeeds or fails. A connection
     * already in a transaction is left in it. The connection is not closed. MySQL's driver
     * streams only with {@code useCursorFetch=true} in its URL.
     *
     * @param sql a query without parameters; its column labels name the columns
     * @throws InvalidArgumentException if the query lacks a feature column or a value cannot be scored
     * @throws io.mlops.api.MlopsException if the database fails; retryable when the connection failed
     */
    public BatchScoringResult scoreQuery(Connection connection, String sql, Path output) {
        return BatchRunner.scoreQuery(settings, connection, sql, output);
    }

    /** The configuration, for logs. */
    @Override
    public String toString() {
        return "BatchScoring[model=" + settings.scorer().version().uri()
                + ", chunkRows=" + settings.chunkRows()
                + ", separator='" + settings.separator() + "'"
                + ", copyColumns=" + (settings.copyAll() ? "all" : settings.copyColumns())
                + ", overwrite=" + settings.overwrite() + "]";
    }

    /**
     * Configures a {@link BatchScoring}. Each option may be set once; every invalid option is
     * reported together by {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final Scorer scorer;
        private Integer chunkRows;
        private Character separator;
        private List<String> copyColumns;
        private Consumer<? super BatchProgress> progress;
        private Boolean overwrite;
        private Clock clock;

        private Builder(Scorer scorer) {
            this.scorer = Objects.requireNonNull(scorer, "scorer");
        }

        /**
         * Rows read, scored in one call and written per step; default {@value BatchScoring#DEFAULT_CHUNK_ROWS}.
         * Memory grows with it; it must not exceed the scorer's
         * {@link io.mlops.api.serving.ScorerOptions#maxBatchRows() maxBatchRows} (default 10,000).
         */
        public Builder chunkRows(int rows) {
            this.chunkRows = once("chunkRows", this.chunkRows, rows);
            return this;
        }

        /**
         * The column separator of CSV input, for example {@code ';'} or {@code '\t'}; default
         * {@code ','}. The output is always comma-separated.
         */
        public Builder separator(char separator) {
            this.separator = once("separator", this.separator, separator);
            return this;
        }

        /**
         * The input columns copied into the output, in this order, before the prediction columns;
         * usually an id column. Default: every input column, in input order. No names: only the
         * predictions. A name the input lacks fails the run before anything is read.
         */
        public Builder copyColumns(String... columns) {
            return copyColumns(Arrays.asList(Objects.requireNonNull(columns, "columns")));
        }

        /** @see #copyColumns(String...) */
        public Builder copyColumns(List<String> columns) {
            Objects.requireNonNull(columns, "columns");
            columns.forEach(c -> Objects.requireNonNull(c, "a copy column is null"));
            this.copyColumns = once("copyColumns", this.copyColumns, List.copyOf(columns));
            return this;
        }

        /**
         * Called after each chunk has been scored and written, on the thread running the scoring;
         * default none. An exception it throws stops the run: nothing is written and the exception
         * propagates, so throwing is also the way to cancel.
         */
        public Builder progress(Consumer<? super BatchProgress> callback) {
            this.progress = once("progress", this.progress, callback);
            return this;
        }

        /** Whether an existing output and its sidecar may be replaced; default false (refused). */
        public Builder overwrite(boolean overwrite) {
            this.overwrite = once("overwrite", this.overwrite, overwrite);
            return this;
        }

        /** Source of the sidecar's start and finish times; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = once("clock", this.clock, clock);
            return this;
        }

        /**
         * @throws InvalidArgumentException listing every invalid option
         */
        public BatchScoring build() {
            List<String> problems = new ArrayList<>();
            int rows = chunkRows == null ? DEFAULT_CHUNK_ROWS : chunkRows;
            if (rows < 1) {
                problems.add("chunkRows " + rows + " must be at least 1");
            }
            char sep = separator == null ? ',' : separator;
            if (sep == '"' || sep == '\n' || sep == '\r') {
                problems.add("separator '" + (sep == '"' ? "\"" : sep == '\n' ? "\\n" : "\\r")
                        + "' cannot separate columns (it is the quote or a line break); use ',', ';', '\\t' or '|'");
            }
            if (copyColumns != null) {
                Set<String> seen = new HashSet<>();
                for (String c : copyColumns) {
                    if (c.isBlank()) {
                        problems.add("copy column names must not be blank: " + copyColumns);
                    } else if (!seen.add(c)) {
                        problems.add("copy column '" + c + "' is listed twice: " + copyColumns);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidArgumentException("invalid batch scoring options: " + String.join("; ", problems));
            }
            Consumer<? super BatchProgress> callback = progress == null ? p -> { } : progress;
            return new BatchScoring(new BatchSettings(scorer, rows, sep, copyColumns, callback,
                    overwrite != null && overwrite, clock == null ? Clock.systemUTC() : clock));
        }

        private static <T> T once(String option, T current, T value) {
            Objects.requireNonNull(value, option);
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current + "; cannot set it to " + value);
            }
            return value;
        }
    }
}
