package io.mlops.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mlops.api.MlopsException;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.PredictionLogEntry;
import io.mlops.api.spi.StatusChange;
import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracking, registry and governance metadata, and the prediction log, in a relational database over
 * JDBC: H2 (embedded, the default for notebooks and tests) or PostgreSQL (shared by many application
 * instances).
 *
 * <pre>{@code
 * try (JdbcMetadataStore store = JdbcMetadataStore.open("jdbc:h2:file:./mlops/metadata",
 *         Map.of("user", "sa", "password", secret))) {
 *     store.createExperiment("1", "credit-risk", Map.of(), System.currentTimeMillis());
 * }
 * }</pre>
 *
 * <p>Opening creates the schema, or migrates it to this release's version, with Flyway (history in
 * the table {@code mlops_schema_history}); several processes may open the same database at once.
 * H2 is used in its default mode; no {@code MODE=} setting is needed.
 *
 * <p>Options, all optional:
 * <ul>
 *   <li>{@code user}, {@code password}: credentials; by default the driver's (or the URL's)</li>
 *   <li>{@code maximumPoolSize}: connections in the pool, 1..1000, default 8</li>
 * </ul>
 * An unknown option or an invalid value fails with an {@link io.mlops.api.InvalidArgumentException}
 * that lists every problem. The configuration is logged once at INFO with the password masked.
 *
 * <p>Governance changes (approval states, aliases, inventory, role grants) and the registration of
 * a model version are written together with their audit entry in one transaction; the four-eyes rule is also a CHECK constraint of
 * {@code model_versions}, and on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE of
 * {@code audit_log}.
 *
 * <p>Thread-safe, and safe for several processes sharing one database: every method is one
 * transaction. A database that cannot be reached raises the retryable
 * {@link io.mlops.api.StoreUnavailableException}; after {@link #close()} every method raises an
 * {@link MlopsException} saying the store is closed.
 */
public final class JdbcMetadataStore implements MetadataStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcMetadataStore.class);
    static final String SCHEMA_HISTORY_TABLE = "mlops_schema_history";

    private final HikariDataSource pool;
    private final Database db;
    private final JdbcTracking tracking;
    private final JdbcRegistry registry;
    private final JdbcGovernance governance;
    private final JdbcPredictionLog predictionLog;
    private final String description;

    private JdbcMetadataStore(HikariDataSource pool, StoreSettings settings) {
        this.pool = pool;
        this.description = settings.maskedUrl();
        this.db = new Database(pool, description);
        this.tracking = new JdbcTracking(db, settings.dialect());
        this.registry = new JdbcRegistry(db, settings.dialect());
        this.governance = new JdbcGovernance(db, settings.dialect());
        this.predictionLog = new JdbcPredictionLog(db, settings.dialect());
    }

    /**
     * Opens the store at {@code jdbcUrl} with the driver's default credentials and pool settings.
     *
     * @see #open(String, Map)
     */
    public static JdbcMetadataStore open(String jdbcUrl) {
        return open(jdbcUrl, Map.of());
    }

    /**
     * Opens the store at {@code jdbcUrl} ({@code jdbc:h2:…} or {@code jdbc:postgresql:…}), creating
     * or migrating its schema.
     *
     * @param options {@code user}, {@code password}, {@code maximumPoolSize}; may be empty
     * @throws io.mlops.api.InvalidArgumentException if the URL or an option is invalid
     * @throws io.mlops.api.StoreUnavailableException if the database cannot be reached
     * @throws MlopsException if the schema cannot be migrated
     */
    public static JdbcMetadataStore open(String jdbcUrl, Map<String, String> options) {
        StoreSettings settings = StoreSettings.of(jdbcUrl, options);
        LOG.info("Opening metadata store: {}", settings);
        HikariDataSource pool = startPool(settings);
        try {
            migrate(pool, settings);
            return new JdbcMetadataStore(pool, settings);
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    private static HikariDataSource startPool(StoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(StoreSettings.POOL_NAME);
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(settings.maximumPoolSize());
        // Every method commits or rolls back itself; see Database.inTransaction.
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        settings.dialect().configure(config, settings.jdbcUrl());
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // Hikari reports a database it cannot reach at start-up as an unchecked exception
            // around the driver's SQLException.
            SQLException sql = findSqlException(e);
            if (sql != null) {
                throw Database.translate("open the metadata store", settings.maskedUrl(), sql, 0);
            }
            throw new MlopsException("cannot start the connection pool for " + settings.maskedUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void migrate(HikariDataSource pool, StoreSettings settings) {
        try {
            Flyway flyway = Flyway.configure(JdbcMetadataStore.class.getClassLoader())
                    .dataSource(pool)
                    .locations(settings.dialect().migrationLocations())
                    // Not Flyway's default name, so that an application's own Flyway schema
                    // history in the same database is left alone.
                    .table(SCHEMA_HISTORY_TABLE)
                    .load();
            MigrateResult result = flyway.migrate();
            MigrationInfo current = flyway.info().current();
            LOG.info("Metadata schema of {} is at version {} ({} migration(s) applied now)", settings.maskedUrl(),
                    current == null ? "none" : current.getVersion(), result.migrationsExecuted);
        } catch (RuntimeException e) {
            SQLException sql = findSqlException(e);
            if (sql != null) {
                throw Database.translate("migrate the metadata schema", settings.maskedUrl(), sql, 0);
            }
            throw new MlopsException("cannot migrate the metadata schema of " + settings.maskedUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    private static SQLException findSqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** The JDBC URL with any password masked. */
    @Override
    public String description() {
        return description;
    }

    /** Closes the connection pool; idempotent. Calls in progress may fail. */
    @Override
    public void close() {
        if (!db.isClosed()) {
            db.markClosed();
            pool.close();
            LOG.info("Closed metadata store {}", description);
        }
    }

    @Override
    public String toString() {
        return "JdbcMetadataStore[" + description + "]";
    }

    // ---- TrackingStore ----

    @Override
    public Experiment createExperiment(String id, String name, Map<String, String> tags, long creationTime) {
        return tracking.createExperiment(id, name, tags, creationTime);
    }

    @Override
    public Optional<Experiment> findExperimentById(String id) {
        return tracking.findExperimentById(id);
    }

    @Override
    public Optional<Experiment> findExperimentByName(String name) {
        return tracking.findExperimentByName(name);
    }

    @Override
    public List<Experiment> listExperiments() {
        return tracking.listExperiments();
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        tracking.setExperimentTag(experimentId, key, value);
    }

    @Override
    public void createRun(Run run) {
        tracking.createRun(run);
    }

    @Override
    public Optional<Run> findRun(String runId) {
        return tracking.findRun(runId);
    }

    @Override
    public List<Run> listRuns(String experimentId) {
        return tracking.listRuns(experimentId);
    }

    @Override
    public boolean endRun(String runId, RunStatus status, long endTime) {
        return tracking.endRun(runId, status, endTime);
    }

    @Override
    public Optional<String> putParamIfAbsent(String runId, String key, String value) {
        return tracking.putParamIfAbsent(runId, key, value);
    }

    @Override
    public void logMetrics(String runId, List<Metric> metrics) {
        tracking.logMetrics(runId, metrics);
    }

    @Override
    public List<Metric> metricHistory(String runId, String key) {
        return tracking.metricHistory(runId, key);
    }

    @Override
    public void setRunTag(String runId, String key, String value) {
        tracking.setRunTag(runId, key, value);
    }

    @Override
    public List<Run> searchRuns(RunQuery query) {
        return tracking.searchRuns(query);
    }

    @Override
    public void logInputs(String runId, List<DatasetInput> inputs) {
        tracking.logInputs(runId, inputs);
    }

    @Override
    public DatasetVersion saveDatasetVersion(DatasetVersion version) {
        return tracking.saveDatasetVersion(version);
    }

    @Override
    public List<DatasetVersion> findDatasetVersions(String digest) {
        return tracking.findDatasetVersions(digest);
    }

    @Override
    public List<DatasetVersion> listDatasetVersions(String name) {
        return tracking.listDatasetVersions(name);
    }

    @Override
    public List<String> runIdsWithInput(String digest) {
        return tracking.runIdsWithInput(digest);
    }

    // ---- RegistryStore ----

    @Override
    public RegisteredModel createModel(String name, String description, Map<String, String> tags, long creationTime) {
        return registry.createModel(name, description, tags, creationTime);
    }

    @Override
    public Optional<RegisteredModel> findModel(String name) {
        return registry.findModel(name);
    }

    @Override
    public List<RegisteredModel> listModels() {
        return registry.listModels();
    }

    @Override
    public RegisteredModel updateModelDescription(String name, String description, long updateTime) {
        return registry.updateModelDescription(name, description, updateTime);
    }

    @Override
    public void setModelTag(String name, String key, String value, long updateTime) {
        registry.setModelTag(name, key, value, updateTime);
    }

    @Override
    public ModelVersion createVersion(ModelVersion draft, VersionAudit audit) {
        return registry.createVersion(draft, audit);
    }

    @Override
    public Optional<ModelVersion> findVersion(String name, int version) {
        return registry.findVersion(name, version);
    }

    @Override
    public List<ModelVersion> listVersions(String name) {
        return registry.listVersions(name);
    }

    @Override
    public List<ModelVersion> listVersionsByRun(String runId) {
        return registry.listVersionsByRun(runId);
    }

    @Override
    public void setVersionTag(String name, int version, String key, String value) {
        registry.setVersionTag(name, version, key, value);
    }

    // ---- GovernanceStore ----

    @Override
    public ModelVersion changeStatus(StatusChange change, AuditAppender audit) {
        return governance.changeStatus(change, audit);
    }

    @Override
    public List<StatusTransition> listTransitions(String name, int version) {
        return governance.listTransitions(name, version);
    }

    @Override
    public void changeAlias(AliasUpdate update, AuditAppender audit) {
        governance.changeAlias(update, audit);
    }

    @Override
    public List<AliasChange> listAliasChanges(String name) {
        return governance.listAliasChanges(name);
    }

    @Override
    public void putInventory(String name, ModelInventory inventory, long updateTime, AuditAppender audit) {
        governance.putInventory(name, inventory, updateTime, audit);
    }

    @Override
    public Optional<ModelInventory> findInventory(String name) {
        return governance.findInventory(name);
    }

    @Override
    public void grantRole(RoleGrant grant, AuditAppender audit) {
        governance.grantRole(grant, audit);
    }

    @Override
    public boolean revokeRole(RoleGrant.SubjectKind kind, String subject, Role role, AuditAppender audit) {
        return governance.revokeRole(kind, subject, role, audit);
    }

    @Override
    public List<RoleGrant> listRoleGrants() {
        return governance.listRoleGrants();
    }

    @Override
    public AuditEntry appendAudit(AuditAppender audit) {
        return governance.appendAudit(audit);
    }

    @Override
    public List<AuditEntry> readAudit(long fromSeq, int limit) {
        return governance.readAudit(fromSeq, limit);
    }

    @Override
    public Optional<AuditEntry> lastAudit() {
        return governance.lastAudit();
    }

    // ---- PredictionLogStore ----

    @Override
    public void appendPredictions(List<PredictionLogEntry> entries) {
        predictionLog.appendPredictions(entries);
    }

    @Override
    public Optional<String> saveLabelIfAbsent(String model, String requestId, String label, long recordedAt) {
        return predictionLog.saveLabelIfAbsent(model, requestId, label, recordedAt);
    }

    @Override
    public void scanPredictions(String model, int version, long from, long toExclusive, Predicate<PredictionLogEntry> sink) {
        predictionLog.scanPredictions(model, version, from, toExclusive, sink);
    }

    @Override
    public void scanLabelledPredictions(String model, int version, long from, long toExclusive,
            Predicate<PredictionLogEntry> sink) {
        predictionLog.scanLabelledPredictions(model, version, from, toExclusive, sink);
    }

    @Override
    public long deletePredictionsBefore(String model, long before) {
        return predictionLog.deletePredictionsBefore(model, before);
    }
}
