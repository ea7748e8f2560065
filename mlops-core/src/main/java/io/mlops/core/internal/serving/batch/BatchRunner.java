package io.mlops.core.internal.serving.batch;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.core.internal.StoredFormats;
import io.mlops.serving.BatchProgress;
import io.mlops.serving.BatchScoringResult;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link io.mlops.serving.BatchScoring}: read a chunk of rows, score it in one call, write it,
 * report progress, repeat; then move the output and its sidecar into place. Only one chunk of
 * rows is held at a time. Stateless: every method may be called from any thread.
 */
public final class BatchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);

    /** Version of the sidecar document; bump it when a field changes meaning or disappears. */
    static final int SIDECAR_FORMAT = 1;

    private static final CsvMapper CSV = CsvMapper.builder().build();

    private BatchRunner() {
    }

    public static BatchScoringResult scoreCsv(BatchSettings settings, Path input, Path output) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        AtomicOutput target = AtomicOutput.check(output, input, settings.overwrite());
        try (CsvRowSource source = CsvRowSource.open(input, settings.separator())) {
            return run(settings, source, "csv", target);
        }
    }

    /** Borrows a connection from the pool for the run and gives it back, as it was, afterwards. */
    public static BatchScoringResult scoreQuery(BatchSettings settings, DataSource dataSource, String sql, Path output) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(output, "output");
        AtomicOutput.check(output, null, settings.overwrite());
        try (Connection connection = dataSource.getConnection()) {
            return scoreQuery(settings, connection, sql, output);
        } catch (SQLException e) {
            throw QueryRowSource.failed("get a connection for", sql, e);
        }
    }

    /**
     * Streams the query's rows: forward-only, read-only, with a fetch size of one chunk. Drivers
     * such as PostgreSQL's stream only inside a transaction, so auto-commit is turned off for the
     * run, the read-only transaction rolled back, and auto-commit turned back on; a connection
     * already in a transaction is left in it.
     */
    public static BatchScoringResult scoreQuery(BatchSettings settings, Connection connection, String sql, Path output) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(output, "output");
        AtomicOutput target = AtomicOutput.check(output, null, settings.overwrite());
        boolean restoreAutoCommit;
        try {
            restoreAutoCommit = connection.getAutoCommit();
            if (restoreAutoCommit) {
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw QueryRowSource.failed("prepare the connection for", sql, e);
        }
        Throwable failure = null;
        try (PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(settings.chunkRows());
            try (ResultSet rows = statement.executeQuery();
                    QueryRowSource source = QueryRowSource.of(rows, sql)) {
                return run(settings, source, "query", target);
            }
        } catch (SQLException e) {
            failure = QueryRowSource.failed("run", sql, e);
            throw (MlopsException) failure;
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            if (restoreAutoCommit) {
                restoreAutoCommit(connection, sql, failure);
            }
        }
    }

    private static void restoreAutoCommit(Connection connection, String sql, Throwable failure) {
        try {
            // Nothing was meant to change: roll back rather than commit whatever the query did.
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            MlopsException restore = QueryRowSource.failed("restore auto-commit after", sql, e);
            if (failure != null) {
                failure.addSuppressed(restore);
            } else {
                throw restore;
            }
        }
    }

    private static BatchScoringResult run(BatchSettings settings, RowSource source, String kind, AtomicOutput target) {
        Scorer scorer = settings.scorer();
        ModelVersion model = scorer.version();
        String modelName = "model '" + model.name() + "' version " + model.version();
        Instant started = settings.clock().instant();
        ColumnPlan plan = ColumnPlan.of(source, model, scorer.features(), settings.copyColumns());
        LOG.info("Batch scoring {} with {} (sha256 {}) into '{}': chunkRows={}, copyColumns={}, overwrite={}{}",
                source.describe(), modelName, model.sha256(), target.output(), settings.chunkRows(),
                settings.copyAll() ? "all" : plan.copiedNames, settings.overwrite(),
                kind.equals("csv") ? ", separator='" + settings.separator() + "'" : "");

        try (target) {
            Chunk chunk = new Chunk(settings.chunkRows(), plan.features.size());
            PredictionColumns predictions = null;
            List<String> columns = plan.copiedNames;
            long rows = 0;
            Writer writer = new OutputStreamWriter(target.open(), StandardCharsets.UTF_8);
            try (SequenceWriter csv = CSV.writer(CsvSchema.emptySchema()).writeValues(writer)) {
                while (chunk.fill(source, plan)) {
                    List<Prediction> scored = score(scorer, source, chunk);
                    if (scored.size() != chunk.size()) {
                        throw new MlopsException(modelName + " returned " + scored.size() + " predictions for "
                                + chunk.size() + " rows (" + chunk.describe(source) + " of " + source.describe() + ")");
                    }
                    checkSameModel(scorer, model, rows, source);
                    if (predictions == null) {
                        predictions = PredictionColumns.of(scored.get(0), modelName, plan.copiedNames);
                        columns = new ArrayList<>(plan.copiedNames);
                        columns.addAll(predictions.names());
                        csv.write(columns.toArray(String[]::new));
                    }
                    int copied = plan.copiedNames.size();
                    for (int i = 0; i < chunk.size(); i++) {
                        String[] row = new String[columns.size()];
                        System.arraycopy(chunk.copied.get(i), 0, row, 0, copied);
                        long position = chunk.positions[i];
                        predictions.write(scored.get(i), row, copied,
                                () -> "cannot score " + source.describe() + ": " + source.describePosition(position));
                        csv.write(row);
                    }
                    // Flushed per chunk: a reader of the progress sees rows on disk, and memory stays one chunk.
                    csv.flush();
                    rows += chunk.size();
                    settings.progress().accept(new BatchProgress(rows, source.bytesRead(), source.inputBytes()));
                    if (Thread.currentThread().isInterrupted()) {
                        throw new MlopsException("batch scoring of " + source.describe() + " was interrupted after "
                                + rows + " rows; nothing was written");
                    }
                }
                if (predictions == null) {
                    // No rows: the prediction columns are only known from a prediction.
                    csv.write(columns.toArray(String[]::new));
                }
            } catch (IOException e) {
                throw new MlopsException("cannot write output '" + target.output() + "': " + e.getMessage(), e);
            }
            Instant finished = settings.clock().instant();
            BatchScoringResult result = new BatchScoringResult(target.output(), target.sidecar(), model,
                    source.input(), columns, rows, target.sha256(), started, finished);
            target.commit(sidecar(result, kind, source.provenance(), settings.chunkRows()));
            LOG.info("Batch scoring wrote {} rows to '{}' (sha256 {}) with {} in {} ms", rows, target.output(),
                    result.outputSha256(), modelName, result.elapsed().toMillis());
            return result;
        }
    }

    private static List<Prediction> score(Scorer scorer, RowSource source, Chunk chunk) {
        try {
            return scorer.scoreBatch(chunk.features);
        } catch (InvalidArgumentException e) {
            throw locate(scorer, source, chunk, e);
        }
    }

    /**
     * Finds the row the scorer refused by scoring halves of the chunk (a few batch calls, not one
     * per row), so the message can name its line. If no single row fails on its own, the chunk as
     * a whole was refused, for example for exceeding the scorer's maxBatchRows.
     */
    private static InvalidArgumentException locate(Scorer scorer, RowSource source, Chunk chunk,
            InvalidArgumentException whole) {
        int from = 0;
        int to = chunk.size();
        InvalidArgumentException last = whole;
        while (to - from > 1) {
            int mid = (from + to) >>> 1;
            InvalidArgumentException left = tryScore(scorer, chunk, from, mid);
            if (left != null) {
                to = mid;
                last = left;
                continue;
            }
            InvalidArgumentException right = tryScore(scorer, chunk, mid, to);
            if (right == null) {
                break;
            }
            from = mid;
            last = right;
        }
        if (to - from == 1) {
            String message = last.getMessage();
            // The scorer numbers rows within its own call, which for one row is always 0.
            if (message != null && message.startsWith("row 0: ") && last != whole) {
                message = message.substring("row 0: ".length());
            }
            return new InvalidArgumentException("cannot score " + source.describe() + ": "
                    + source.describePosition(chunk.positions[from]) + ": " + message, last);
        }
        return new InvalidArgumentException("cannot score " + source.describe() + ": " + chunk.describe(source)
                + " (" + chunk.size() + " rows in one call): " + whole.getMessage(), whole);
    }

    private static InvalidArgumentException tryScore(Scorer scorer, Chunk chunk, int from, int to) {
        try {
            scorer.scoreBatch(chunk.features.subList(from, to));
            return null;
        } catch (InvalidArgumentException e) {
            return e;
        }
    }

    /** A scorer from a ModelServer follows its alias; rows of one output must come from one version. */
    private static void checkSameModel(Scorer scorer, ModelVersion model, long rowsBefore, RowSource source) {
        ModelVersion now = scorer.version();
        if (now.version() != model.version() || !now.name().equals(model.name()) || !now.sha256().equals(model.sha256())) {
            throw new MlopsException("batch scoring of " + source.describe() + " started with model '" + model.name()
                    + "' version " + model.version() + " but after " + rowsBefore + " rows the scorer serves '"
                    + now.name() + "' version " + now.version() + " (the alias moved); nothing was written; score"
                    + " with a scorer of a fixed version, for example models:/" + model.name() + "/" + model.version());
        }
    }

    private static byte[] sidecar(BatchScoringResult result, String kind, Map<String, String> provenance, int chunkRows) {
        ObjectNode root = StoredFormats.mapper().createObjectNode();
        root.put("format", SIDECAR_FORMAT);
        ModelVersion model = result.model();
        root.putObject("model")
                .put("name", model.name())
                .put("version", model.version())
                .put("uri", model.uri().toString())
                .put("sha256", model.sha256())
                .put("flavor", model.flavor())
                .put("runId", model.runId());
        ObjectNode input = root.putObject("input").put("kind", kind);
        input.put(kind.equals("csv") ? "path" : "sql", result.input());
        new java.util.TreeMap<>(provenance).forEach(input::put);
        ObjectNode output = root.putObject("output")
                .put("file", result.output().getFileName().toString())
                .put("sha256", result.outputSha256());
        result.columns().forEach(output.putArray("columns")::add);
        root.put("rows", result.rows());
        root.put("chunkRows", chunkRows);
        root.put("started", result.started().toString());
        root.put("finished", result.finished().toString());
        try {
            return StoredFormats.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the sidecar of '" + result.output() + "'", e);
        }
    }

    /** The rows of one step, reused from chunk to chunk so memory stays flat. */
    private static final class Chunk {
        final int capacity;
        final int featureCount;
        final List<Map<String, Object>> features;
        final List<String[]> copied;
        final long[] positions;
        private boolean exhausted;

        Chunk(int capacity, int featureCount) {
            this.capacity = capacity;
            this.featureCount = featureCount;
            this.features = new ArrayList<>(Math.min(capacity, 1 << 16));
            this.copied = new ArrayList<>(Math.min(capacity, 1 << 16));
            this.positions = new long[capacity];
        }

        /** Reads up to a chunk of rows; false when there were none left. */
        boolean fill(RowSource source, ColumnPlan plan) {
            features.clear();
            copied.clear();
            while (!exhausted && features.size() < capacity) {
                if (!source.next()) {
                    exhausted = true;
                    break;
                }
                Map<String, Object> row = new LinkedHashMap<>(featureCount * 2);
                for (int f = 0; f < featureCount; f++) {
                    row.put(plan.features.get(f).name(), source.feature(plan.featureColumns[f], plan.features.get(f)));
                }
                String[] copy = new String[plan.copiedColumns.length];
                for (int c = 0; c < copy.length; c++) {
                    copy[c] = source.text(plan.copiedColumns[c]);
                }
                positions[features.size()] = source.position();
                features.add(row);
                copied.add(copy);
            }
            return !features.isEmpty();
        }

        int size() {
            return features.size();
        }

        String describe(RowSource source) {
            return size() == 1 ? source.describePosition(positions[0])
                    : source.describeRange(positions[0], positions[size() - 1]);
        }
    }
}
