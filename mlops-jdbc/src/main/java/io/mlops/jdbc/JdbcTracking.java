package io.mlops.jdbc;

import static io.mlops.jdbc.Database.batch;
import static io.mlops.jdbc.Database.exists;
import static io.mlops.jdbc.Database.query;
import static io.mlops.jdbc.Database.queryOne;
import static io.mlops.jdbc.Database.update;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.data.DatasetKind;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import io.mlops.core.internal.StoredFormats;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** The tracking half of {@link JdbcMetadataStore}: experiments, runs and what runs log. */
final class JdbcTracking {

    /** MLflow's rule for the latest point of a metric: highest step, then timestamp, then value. */
    private static final Comparator<Metric> LATEST_ORDER = Metric.LATEST_ORDER;

    private static final String INSERT_EXPERIMENT =
            "INSERT INTO experiments (id, name, creation_time) VALUES (?, ?, ?)";
    private static final String INSERT_EXPERIMENT_TAG =
            "INSERT INTO experiment_tags (experiment_id, tag_key, tag_value) VALUES (?, ?, ?)";
    private static final String SELECT_EXPERIMENTS = "SELECT id, name, creation_time FROM experiments";
    private static final String SELECT_EXPERIMENT_TAGS = "SELECT experiment_id, tag_key, tag_value FROM experiment_tags";
    private static final String EXPERIMENT_EXISTS = "SELECT 1 FROM experiments WHERE id = ?";

    private static final String INSERT_RUN = "INSERT INTO runs"
            + " (id, experiment_id, name, parent_run_id, status, start_time, end_time, user_name)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_RUN_TAG = "INSERT INTO run_tags (run_id, tag_key, tag_value) VALUES (?, ?, ?)";
    private static final String RUN_EXISTS = "SELECT 1 FROM runs WHERE id = ?";
    // Serializes the metric writers of one run, so that reading and replacing latest_metrics
    // cannot interleave; writers to different runs do not wait for each other.
    // NO KEY UPDATE on PostgreSQL: it serializes metric writers of a run without blocking the
    // foreign-key checks (KEY SHARE) of params, tags and inputs written to the same run meanwhile.
    private static final String LOCK_RUN_H2 = "SELECT id FROM runs WHERE id = ? FOR UPDATE";
    private static final String LOCK_RUN_POSTGRESQL = "SELECT id FROM runs WHERE id = ? FOR NO KEY UPDATE";
    private static final String END_RUN =
            "UPDATE runs SET status = ?, end_time = ? WHERE id = ? AND status = 'RUNNING'";

    // A run is assembled from five queries filtered the same way, so that listing an experiment
    // costs five queries however many runs it has. The filters are constants, never user input.
    private static final String BY_RUN_ID = "r.id = ?";
    private static final String BY_EXPERIMENT = "r.experiment_id = ?";
    private static final String SELECT_RUNS = "SELECT r.id, r.experiment_id, r.name, r.parent_run_id, r.status,"
            + " r.start_time, r.end_time, r.user_name FROM runs r WHERE %s ORDER BY r.start_time DESC, r.id";
    private static final String SELECT_PARAMS =
            "SELECT p.run_id, p.param_key, p.param_value FROM params p JOIN runs r ON r.id = p.run_id WHERE %s";
    private static final String SELECT_RUN_TAGS =
            "SELECT t.run_id, t.tag_key, t.tag_value FROM run_tags t JOIN runs r ON r.id = t.run_id WHERE %s";
    private static final String SELECT_LATEST_METRICS = "SELECT m.run_id, m.metric_key, m.metric_value, m.step,"
            + " m.metric_time FROM latest_metrics m JOIN runs r ON r.id = m.run_id WHERE %s";
    private static final String SELECT_INPUTS = "SELECT i.run_id, i.dataset_name, i.digest, i.context, i.source,"
            + " i.row_count, i.schema_json FROM run_inputs i JOIN runs r ON r.id = i.run_id WHERE %s ORDER BY i.seq";

    private static final String INSERT_PARAM = "INSERT INTO params (run_id, param_key, param_value) VALUES (?, ?, ?)";
    private static final String SELECT_PARAM = "SELECT param_value FROM params WHERE run_id = ? AND param_key = ?";

    private static final List<String> METRIC_COLUMNS = List.of("run_id", "metric_key", "metric_value", "step", "metric_time");
    // A point's identity (migration V2's unique index): a repeated batch skips what is stored.
    private static final String INSERT_METRIC =
            "INSERT INTO metrics (run_id, metric_key, metric_value, step, metric_time) VALUES (?, ?, ?, ?, ?)";
    private static final List<String> METRIC_KEY = List.of("run_id", "metric_key", "step", "metric_time", "metric_value");
    private static final String SELECT_RUN_LATEST =
            "SELECT metric_key, metric_value, step, metric_time FROM latest_metrics WHERE run_id = ?";
    private static final String INSERT_LATEST = "INSERT INTO latest_metrics"
            + " (run_id, metric_key, metric_value, step, metric_time) VALUES (?, ?, ?, ?, ?)";
    private static final String UPDATE_LATEST = "UPDATE latest_metrics SET metric_value = ?, step = ?, metric_time = ?"
            + " WHERE run_id = ? AND metric_key = ?";
    private static final String SELECT_HISTORY = "SELECT metric_key, metric_value, step, metric_time FROM metrics"
            + " WHERE run_id = ? AND metric_key = ? ORDER BY step, metric_time, seq";

    private static final List<String> TAG_COLUMNS_EXPERIMENT = List.of("experiment_id", "tag_key", "tag_value");
    private static final List<String> TAG_COLUMNS_RUN = List.of("run_id", "tag_key", "tag_value");
    private static final List<String> INPUT_COLUMNS =
            List.of("run_id", "dataset_name", "digest", "context", "source", "row_count", "schema_json");
    private static final List<String> INPUT_KEY = List.of("run_id", "digest", "dataset_name", "context");

    private static final List<String> DATASET_COLUMNS = List.of("dataset_name", "digest", "kind", "source",
            "file_count", "size_bytes", "row_count", "schema_json", "profile_json", "created_by", "creation_time");
    private static final List<String> DATASET_KEY = List.of("dataset_name", "digest");
    private static final String SELECT_DATASETS = "SELECT " + String.join(", ", DATASET_COLUMNS) + " FROM dataset_versions";
    private static final String SELECT_RUNS_WITH_INPUT = "SELECT r.id FROM runs r WHERE r.id IN"
            + " (SELECT i.run_id FROM run_inputs i WHERE i.digest = ?) ORDER BY r.start_time, r.id";

    private final Database db;
    private final Dialect dialect;
    private final String upsertExperimentTag;
    private final String upsertRunTag;
    private final String insertInputIfAbsent;
    private final String insertMetricIfAbsent;
    private final String insertDatasetVersionIfAbsent;

    JdbcTracking(Database db, Dialect dialect) {
        this.db = db;
        this.dialect = dialect;
        this.upsertExperimentTag = dialect.upsert("experiment_tags", TAG_COLUMNS_EXPERIMENT, TAG_COLUMNS_EXPERIMENT.subList(0, 2));
        this.upsertRunTag = dialect.upsert("run_tags", TAG_COLUMNS_RUN, TAG_COLUMNS_RUN.subList(0, 2));
        this.insertInputIfAbsent = dialect.insertIfAbsent("run_inputs", INPUT_COLUMNS, INPUT_KEY);
        this.insertMetricIfAbsent = dialect.insertIfAbsent("metrics", METRIC_COLUMNS, METRIC_KEY);
        this.insertDatasetVersionIfAbsent = dialect.insertIfAbsent("dataset_versions", DATASET_COLUMNS, DATASET_KEY);
    }

    // ---- experiments ----

    Experiment createExperiment(String id, String name, Map<String, String> tags, long creationTime) {
        try {
            db.inTransaction("create experiment '" + name + "' (id '" + id + "')", c -> {
                update(c, INSERT_EXPERIMENT, id, name, creationTime);
                batch(c, INSERT_EXPERIMENT_TAG, tagRows(id, tags));
                return null;
            });
        } catch (AlreadyExistsException e) {
            // The insert is the race-safe check; which of the two keys collided is only looked up
            // afterwards, for the message.
            boolean nameTaken = findExperimentByName(name).isPresent();
            throw new AlreadyExistsException(nameTaken
                    ? "experiment name '" + name + "' is already taken"
                    : "experiment id '" + id + "' is already taken", e);
        }
        return new Experiment(id, name, tags, creationTime);
    }

    Optional<Experiment> findExperimentById(String id) {
        return db.inTransaction("find experiment '" + id + "'",
                c -> loadExperiments(c, " WHERE id = ?", " WHERE experiment_id = ?", id)).stream().findFirst();
    }

    Optional<Experiment> findExperimentByName(String name) {
        return db.inTransaction("find experiment named '" + name + "'", c -> loadExperiments(c, " WHERE name = ?",
                " WHERE experiment_id IN (SELECT id FROM experiments WHERE name = ?)", name)).stream().findFirst();
    }

    List<Experiment> listExperiments() {
        return db.inTransaction("list experiments", c -> loadExperiments(c, "", ""));
    }

    void setExperimentTag(String experimentId, String key, String value) {
        db.upsertTransaction("set tag '" + key + "' of experiment '" + experimentId + "'", c -> {
            requireExperiment(c, experimentId);
            update(c, upsertExperimentTag, experimentId, key, value);
            return null;
        });
    }

    private static List<Experiment> loadExperiments(Connection c, String where, String tagWhere, Object... args)
            throws SQLException {
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (String[] t : query(c, SELECT_EXPERIMENT_TAGS + tagWhere, JdbcTracking::triple, args)) {
            tags.computeIfAbsent(t[0], k -> new HashMap<>()).put(t[1], t[2]);
        }
        return query(c, SELECT_EXPERIMENTS + where + " ORDER BY creation_time, id", rs -> new Experiment(
                rs.getString(1), rs.getString(2), tags.get(rs.getString(1)), rs.getLong(3)), args);
    }

    private static void requireExperiment(Connection c, String experimentId) throws SQLException {
        if (!exists(c, EXPERIMENT_EXISTS, experimentId)) {
            throw new NotFoundException("experiment '" + experimentId + "' does not exist");
        }
    }

    // ---- runs ----

    void createRun(Run run) {
        try {
            db.inTransaction("create run '" + run.id() + "'", c -> {
                requireExperiment(c, run.experimentId());
                if (run.parentRunId().isPresent() && !exists(c, RUN_EXISTS, run.parentRunId().get())) {
                    throw new NotFoundException("parent run '" + run.parentRunId().get() + "' of run '" + run.id()
                            + "' does not exist");
                }
                update(c, INSERT_RUN, run.id(), run.experimentId(), run.name(),
                        run.parentRunId().<Object>map(p -> p).orElse(Database.Null.VARCHAR), run.status().name(),
                        run.startTime(), run.endTime().isPresent() ? (Object) run.endTime().getAsLong() : Database.Null.BIGINT,
                        run.user());
                batch(c, INSERT_RUN_TAG, tagRows(run.id(), run.tags()));
                return null;
            });
        } catch (AlreadyExistsException e) {
            throw new AlreadyExistsException("run id '" + run.id() + "' is already taken", e);
        }
    }

    Optional<Run> findRun(String runId) {
        return db.inTransaction("find run '" + runId + "'", c -> loadRuns(c, BY_RUN_ID, runId)).stream().findFirst();
    }

    List<Run> listRuns(String experimentId) {
        return db.inTransaction("list runs of experiment '" + experimentId + "'", c -> {
            requireExperiment(c, experimentId);
            return loadRuns(c, BY_EXPERIMENT, experimentId);
        });
    }

    boolean endRun(String runId, RunStatus status, long endTime) {
        return db.inTransaction("end run '" + runId + "' as " + status, c -> {
            if (update(c, END_RUN, status.name(), endTime, runId) == 1) {
                return true;
            }
            requireRun(c, runId);
            return false;
        });
    }

    Optional<String> putParamIfAbsent(String runId, String key, String value) {
        String operation = "set param '" + key + "' of run '" + runId + "'";
        // The insert decides atomically; on a duplicate the winner's value is read back. If the
        // winner has not committed yet the read can come back empty, hence the loop.
        for (int attempt = 1; ; attempt++) {
            try {
                return db.inTransaction(operation, c -> {
                    requireRun(c, runId);
                    update(c, INSERT_PARAM, runId, key, value);
                    return Optional.<String>empty();
                });
            } catch (AlreadyExistsException duplicate) {
                Optional<String> stored = db.inTransaction("read param '" + key + "' of run '" + runId + "'",
                        c -> queryOne(c, SELECT_PARAM, rs -> rs.getString(1), runId, key));
                if (stored.isPresent()) {
                    return stored;
                }
                if (attempt >= 5) {
                    throw duplicate;
                }
            }
        }
    }

    void logMetrics(String runId, List<Metric> metrics) {
        db.inTransaction("log " + metrics.size() + " metric point(s) to run '" + runId + "'", c -> {
            List<Object[]> points = new ArrayList<>(metrics.size());
            Map<String, Metric> newest = new LinkedHashMap<>();
            for (Metric m : metrics) {
                points.add(new Object[] {runId, m.key(), m.value(), m.step(), m.timestamp()});
                newest.merge(m.key(), m, (a, b) -> LATEST_ORDER.compare(b, a) > 0 ? b : a);
            }
            if (dialect == Dialect.POSTGRESQL) {
                // PostgreSQL's insert-if-absent is atomic, so the points go in before the run lock is
                // taken: concurrent writers of one run then overlap their inserts (the bulk of the
                // work) and queue only for the latest-value upkeep. A missing run rolls it all back.
                insertPoints(c, points);
                lockRun(c, runId);
            } else {
                // H2's insert-if-absent is two statements: the run lock makes it safe.
                lockRun(c, runId);
                insertPoints(c, points);
            }

            Map<String, Metric> stored = new HashMap<>();
            for (Metric m : query(c, SELECT_RUN_LATEST, JdbcTracking::metric, runId)) {
                stored.put(m.key(), m);
            }
            List<Object[]> inserts = new ArrayList<>();
            List<Object[]> updates = new ArrayList<>();
            for (Metric m : newest.values()) {
                Metric current = stored.get(m.key());
                if (current == null) {
                    inserts.add(new Object[] {runId, m.key(), m.value(), m.step(), m.timestamp()});
                } else if (LATEST_ORDER.compare(m, current) > 0) {
                    updates.add(new Object[] {m.value(), m.step(), m.timestamp(), runId, m.key()});
                }
            }
            batch(c, INSERT_LATEST, inserts);
            batch(c, UPDATE_LATEST, updates);
            return null;
        });
    }

    private void lockRun(Connection c, String runId) throws SQLException {
        String lock = dialect == Dialect.POSTGRESQL ? LOCK_RUN_POSTGRESQL : LOCK_RUN_H2;
        if (queryOne(c, lock, rs -> rs.getString(1), runId).isEmpty()) {
            throw new NotFoundException("run '" + runId + "' does not exist");
        }
    }

    /**
     * Inserts metric points, storing a point identical to one already stored only once. The common
     * case, all points new, is a plain batch insert; only when the key metrics_point_uk refuses it
     * (a retried write whose commit was not acknowledged, or a point logged twice) is the batch redone
     * with the insert-if-absent form, which costs about twice as much per row on PostgreSQL.
     * On H2 the caller holds the run's row lock, so "insert unless present", two statements there,
     * cannot race with another insert of the same point; on PostgreSQL it is one atomic statement.
     * Skipped points leave latest_metrics right: an equal point was already counted.
     */
    private void insertPoints(Connection c, List<Object[]> points) throws SQLException {
        Savepoint beforeInsert = c.setSavepoint();
        try {
            batch(c, INSERT_METRIC, points);
            c.releaseSavepoint(beforeInsert);
            return;
        } catch (SQLException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(beforeInsert);
        }
        List<Object[]> ifAbsent = new ArrayList<>(points.size());
        for (Object[] point : points) {
            ifAbsent.add(dialect.insertIfAbsentArguments(METRIC_COLUMNS, METRIC_KEY, point));
        }
        batch(c, insertMetricIfAbsent, ifAbsent);
    }

    List<Metric> metricHistory(String runId, String key) {
        return db.inTransaction("read history of metric '" + key + "' of run '" + runId + "'",
                c -> query(c, SELECT_HISTORY, JdbcTracking::metric, runId, key));
    }

    void setRunTag(String runId, String key, String value) {
        db.upsertTransaction("set tag '" + key + "' of run '" + runId + "'", c -> {
            requireRun(c, runId);
            update(c, upsertRunTag, runId, key, value);
            return null;
        });
    }

    List<Run> searchRuns(RunQuery query) {
        RunSearchSql.Statement statement = RunSearchSql.compile(query, dialect);
        return db.inTransaction("search runs of experiment(s) " + query.experimentIds(), c -> {
            if (dialect == Dialect.POSTGRESQL) {
                // The driver turns a statement run five times into a server-side prepared one, and
                // PostgreSQL may then reuse a generic plan that ignores the metric and value bound,
                // choosing a hash join over every run (measured: 490 ms instead of 6 ms at 100,000
                // runs). Planning each search with its own values costs about a millisecond.
                try (java.sql.Statement session = c.createStatement()) {
                    session.execute("SET LOCAL plan_cache_mode = force_custom_plan");
                }
            }
            List<String> ids = query(c, statement.sql(), rs -> rs.getString(1), statement.arguments().toArray());
            if (ids.isEmpty()) {
                return List.of();
            }
            // One batched load for the whole page, then back into the order the search chose.
            String byIds = "r.id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
            Map<String, Run> loaded = new HashMap<>();
            for (Run run : loadRuns(c, byIds, ids.toArray())) {
                loaded.put(run.id(), run);
            }
            // A run deleted between the two statements is left out rather than failing the page.
            return ids.stream().map(loaded::get).filter(Objects::nonNull).toList();
        });
    }

    void logInputs(String runId, List<DatasetInput> inputs) {
        // A concurrent writer logging the same input makes ours a duplicate: repeating finds it present.
        db.upsertTransaction("log " + inputs.size() + " input(s) to run '" + runId + "'", c -> {
            requireRun(c, runId);
            List<Object[]> rows = new ArrayList<>(inputs.size());
            for (DatasetInput input : inputs) {
                Dataset d = input.dataset();
                Object[] values = {runId, d.name(), d.digest(), input.context(), d.source(),
                    d.rowCount().isPresent() ? (Object) d.rowCount().getAsLong() : Database.Null.BIGINT,
                    StoredFormats.schemaToJson(d.schema())};
                rows.add(dialect.insertIfAbsentArguments(INPUT_COLUMNS, INPUT_KEY, values));
            }
            batch(c, insertInputIfAbsent, rows);
            return null;
        });
    }

    // ---- dataset versions ----

    DatasetVersion saveDatasetVersion(DatasetVersion v) {
        // Insert-if-absent, then read back: whoever stored (name, digest) first stands, concurrent or not.
        return db.upsertTransaction("save dataset version '" + v.name() + "' " + v.digest(), c -> {
            Object[] values = {v.name(), v.digest(), v.kind().name(), v.source(), v.fileCount(), v.sizeBytes(),
                v.rowCount().isPresent() ? (Object) v.rowCount().getAsLong() : Database.Null.BIGINT,
                StoredFormats.schemaToJson(v.schema()), StoredFormats.profileToJson(v.profile()), v.createdBy(),
                v.creationTime()};
            update(c, insertDatasetVersionIfAbsent, dialect.insertIfAbsentArguments(DATASET_COLUMNS, DATASET_KEY, values));
            return query(c, SELECT_DATASETS + " WHERE dataset_name = ? AND digest = ?", JdbcTracking::datasetVersion,
                    v.name(), v.digest()).get(0);
        });
    }

    List<DatasetVersion> findDatasetVersions(String digest) {
        return db.inTransaction("find dataset versions with digest " + digest, c -> query(c,
                SELECT_DATASETS + " WHERE digest = ? ORDER BY creation_time, dataset_name", JdbcTracking::datasetVersion,
                digest));
    }

    List<DatasetVersion> listDatasetVersions(String name) {
        return db.inTransaction("list versions of dataset '" + name + "'", c -> query(c,
                SELECT_DATASETS + " WHERE dataset_name = ? ORDER BY creation_time DESC, digest",
                JdbcTracking::datasetVersion, name));
    }

    List<String> runIdsWithInput(String digest) {
        return db.inTransaction("find runs with input " + digest, c -> query(c, SELECT_RUNS_WITH_INPUT,
                rs -> rs.getString(1), digest));
    }

    private static DatasetVersion datasetVersion(ResultSet rs) throws SQLException {
        long rows = rs.getLong(7);
        OptionalLong rowCount = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(rows);
        return new DatasetVersion(rs.getString(1), rs.getString(2), DatasetKind.valueOf(rs.getString(3)),
                rs.getString(4), rs.getInt(5), rs.getLong(6), rowCount, StoredFormats.schemaFromJson(rs.getString(8)),
                StoredFormats.profileFromJson(rs.getString(9)), rs.getString(10), rs.getLong(11));
    }

    private static void requireRun(Connection c, String runId) throws SQLException {
        if (!exists(c, RUN_EXISTS, runId)) {
            throw new NotFoundException("run '" + runId + "' does not exist");
        }
    }

    private static List<Run> loadRuns(Connection c, String filter, Object... arg) throws SQLException {
        Map<String, Map<String, String>> params = new HashMap<>();
        for (String[] p : query(c, String.format(SELECT_PARAMS, filter), JdbcTracking::triple, arg)) {
            params.computeIfAbsent(p[0], k -> new HashMap<>()).put(p[1], p[2]);
        }
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (String[] t : query(c, String.format(SELECT_RUN_TAGS, filter), JdbcTracking::triple, arg)) {
            tags.computeIfAbsent(t[0], k -> new HashMap<>()).put(t[1], t[2]);
        }
        Map<String, Map<String, Metric>> latest = new HashMap<>();
        query(c, String.format(SELECT_LATEST_METRICS, filter), rs -> {
            Metric m = new Metric(rs.getString(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5));
            latest.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(m.key(), m);
            return m;
        }, arg);
        Map<String, List<DatasetInput>> inputs = new HashMap<>();
        query(c, String.format(SELECT_INPUTS, filter), rs -> {
            long rows = rs.getLong(6);
            OptionalLong rowCount = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(rows);
            Dataset d = new Dataset(rs.getString(2), rs.getString(3), rs.getString(5), rowCount,
                    StoredFormats.schemaFromJson(rs.getString(7)));
            DatasetInput input = new DatasetInput(d, rs.getString(4));
            inputs.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(input);
            return input;
        }, arg);
        return query(c, String.format(SELECT_RUNS, filter), rs -> {
            String id = rs.getString(1);
            long end = rs.getLong(7);
            OptionalLong endTime = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(end);
            return new Run(id, rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                    RunStatus.valueOf(rs.getString(5)), rs.getLong(6), endTime, rs.getString(8),
                    params.get(id), tags.get(id), latest.get(id), inputs.get(id));
        }, arg);
    }

    private static Metric metric(ResultSet rs) throws SQLException {
        return new Metric(rs.getString(1), rs.getDouble(2), rs.getLong(3), rs.getLong(4));
    }

    private static String[] triple(ResultSet rs) throws SQLException {
        return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
    }

    static List<Object[]> tagRows(Object owner, Map<String, String> tags) {
        List<Object[]> rows = new ArrayList<>(tags.size());
        tags.forEach((k, v) -> rows.add(new Object[] {owner, k, v}));
        return rows;
    }
}
