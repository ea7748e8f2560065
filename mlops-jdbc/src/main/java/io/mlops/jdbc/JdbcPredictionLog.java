package io.mlops.jdbc;

import static io.mlops.jdbc.Database.batch;
import static io.mlops.jdbc.Database.queryOne;
import static io.mlops.jdbc.Database.update;

import io.mlops.api.ConflictException;
import io.mlops.api.spi.PredictionLogEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The prediction log of {@link JdbcMetadataStore}: logged predictions (migration V8's
 * {@code prediction_log}) and the ground-truth labels recorded for their request ids
 * ({@code prediction_labels}), joined on read.
 */
final class JdbcPredictionLog {

    /** Rows fetched from the server at once while scanning: what bounds a scan's memory. */
    static final int SCAN_FETCH_SIZE = 500;

    private static final String INSERT_PREDICTION = "INSERT INTO prediction_log"
            + " (model_name, version, request_id, logged_at, latency_us, payload) VALUES (?, ?, ?, ?, ?, ?)";

    private static final List<String> LABEL_COLUMNS = List.of("model_name", "request_id", "label", "recorded_at");
    private static final List<String> LABEL_KEY = List.of("model_name", "request_id");
    private static final String SELECT_LABEL =
            "SELECT label FROM prediction_labels WHERE model_name = ? AND request_id = ?";
    // Insert-then-read rounds in one transaction. The read finds nothing only when a retention sweep
    // deleted the label between the two statements; each further round needs another sweep to hit
    // exactly that gap, so a few are plenty.
    private static final int MAX_LABEL_ROUNDS = 5;

    // seq breaks ties in append order. prediction_log_window_idx finds the window; a database that
    // sorts it anyway does so on the server, spilling to disk, so a scan's memory stays bounded.
    private static final String SCAN = "SELECT p.model_name, p.version, p.request_id, p.logged_at, p.latency_us,"
            + " p.payload, l.label FROM prediction_log p LEFT JOIN prediction_labels l"
            + " ON l.model_name = p.model_name AND l.request_id = p.request_id"
            + " WHERE p.model_name = ? AND p.version = ? AND p.logged_at >= ? AND p.logged_at < ?"
            + " ORDER BY p.logged_at, p.seq";

    // The labels are few next to the predictions (outcomes arrive for some requests, weeks later):
    // the inner join reads those, and prediction_log_request_idx finds each one's predictions.
    private static final String SCAN_LABELLED = "SELECT p.model_name, p.version, p.request_id, p.logged_at, p.latency_us,"
            + " p.payload, l.label FROM prediction_labels l JOIN prediction_log p"
            + " ON p.model_name = l.model_name AND p.request_id = l.request_id"
            + " WHERE l.model_name = ? AND p.version = ? AND p.logged_at >= ? AND p.logged_at < ?"
            + " ORDER BY p.logged_at, p.seq";

    private static final String DELETE_PREDICTIONS = "DELETE FROM prediction_log WHERE model_name = ? AND logged_at < ?";
    // prediction_log_request_idx serves the anti-join.
    private static final String DELETE_UNREFERENCED_LABELS = "DELETE FROM prediction_labels WHERE model_name = ?"
            + " AND recorded_at < ? AND NOT EXISTS (SELECT 1 FROM prediction_log p WHERE p.model_name = prediction_labels.model_name"
            + " AND p.request_id = prediction_labels.request_id)";

    private final Database db;
    private final Dialect dialect;
    private final String insertLabelIfAbsent;

    JdbcPredictionLog(Database db, Dialect dialect) {
        this.db = db;
        this.dialect = dialect;
        this.insertLabelIfAbsent = dialect.insertIfAbsent("prediction_labels", LABEL_COLUMNS, LABEL_KEY);
    }

    void appendPredictions(List<PredictionLogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (PredictionLogEntry e : entries) {
            rows.add(new Object[] {e.model(), e.version(), e.requestId(), e.loggedAt(), e.latencyMicros(), e.payload()});
        }
        // One batch in one transaction: all or none. The identity column numbers the rows in batch
        // order, which is what keeps append order among equal loggedAt on a scan.
        db.inTransaction("append " + entries.size() + " prediction(s) to the prediction log", c -> {
            batch(c, INSERT_PREDICTION, rows);
            return null;
        });
    }

    Optional<String> saveLabelIfAbsent(String model, String requestId, String label, long recordedAt) {
        String operation = "record the label of request '" + requestId + "' of model '" + model + "'";
        Object[] arguments = dialect.insertIfAbsentArguments(LABEL_COLUMNS, LABEL_KEY,
                new Object[] {model, requestId, label, recordedAt});
        // Insert-if-absent, then read back, as saveDatasetVersion: whoever stored the key first
        // stands. On H2 the insert is two statements, so a concurrent writer can insert between
        // them and make ours a duplicate; repeating the transaction then finds its row. On
        // PostgreSQL ON CONFLICT waits for that writer's commit, so the read back sees its row.
        return db.upsertTransaction(operation, c -> {
            for (int round = 1; round <= MAX_LABEL_ROUNDS; round++) {
                if (update(c, insertLabelIfAbsent, arguments) == 1) {
                    return Optional.<String>empty();
                }
                Optional<String> stored = queryOne(c, SELECT_LABEL, rs -> rs.getString(1), model, requestId);
                if (stored.isPresent()) {
                    return stored;
                }
            }
            throw new ConflictException("cannot " + operation + ": the stored label kept being deleted by concurrent"
                    + " retention sweeps", null, true);
        });
    }

    void scanPredictions(String model, int version, long from, long toExclusive, Predicate<PredictionLogEntry> sink) {
        scan(SCAN, "scan the predictions of version " + version + " of model '" + model + "' logged from "
                + from + " to " + toExclusive, model, version, from, toExclusive, sink);
    }

    void scanLabelledPredictions(String model, int version, long from, long toExclusive, Predicate<PredictionLogEntry> sink) {
        scan(SCAN_LABELLED, "scan the labelled predictions of version " + version + " of model '" + model
                + "' logged from " + from + " to " + toExclusive, model, version, from, toExclusive, sink);
    }

    private void scan(String sql, String operation, String model, int version, long from, long toExclusive,
            Predicate<PredictionLogEntry> sink) {
        db.inTransaction(operation, c -> {
            // PostgreSQL's driver streams with a cursor only outside auto-commit, as every pooled
            // connection is; otherwise it reads the whole window first. Read-only because the scan
            // writes nothing; the pool resets it when the connection is returned.
            c.setReadOnly(true);
            boolean[] handedOut = {false};
            try {
                // The sink runs while this connection holds the open result: a sink that calls
                // the store again takes another connection from the pool, so with a pool of one
                // it waits for the pool's timeout and fails. The scan's snapshot locks no rows,
                // so concurrent appends, labels and sweeps proceed meanwhile.
                Database.stream(c, sql, SCAN_FETCH_SIZE, JdbcPredictionLog::entry, entry -> {
                    handedOut[0] = true;
                    return sink.test(entry);
                }, model, version, from, toExclusive);
            } catch (SQLException e) {
                if (handedOut[0]) {
                    // Not a retryable SQLException any more: repeating the scan would hand the sink
                    // its first entries a second time.
                    throw db.translate(operation, e, 0);
                }
                throw e;
            }
            return null;
        });
    }

    long deletePredictionsBefore(String model, long before) {
        return db.inTransaction("delete the predictions of model '" + model + "' logged before " + before, c -> {
            long deleted = update(c, DELETE_PREDICTIONS, model, before);
            // Only labels older than the cut-off: a newer one may be waiting for its prediction, which
            // the server writes asynchronously.
            update(c, DELETE_UNREFERENCED_LABELS, model, before);
            return deleted;
        });
    }

    private static PredictionLogEntry entry(ResultSet rs) throws SQLException {
        return new PredictionLogEntry(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getString(6), Optional.ofNullable(rs.getString(7)));
    }
}
