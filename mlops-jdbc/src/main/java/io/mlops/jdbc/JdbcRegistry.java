package io.mlops.jdbc;

import static io.mlops.jdbc.Database.batch;
import static io.mlops.jdbc.Database.exists;
import static io.mlops.jdbc.Database.query;
import static io.mlops.jdbc.Database.queryOne;
import static io.mlops.jdbc.Database.update;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.RegistryStore;
import io.mlops.core.internal.StoredFormats;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry half of {@link JdbcMetadataStore}: registered models and versions, and reading aliases
 * (they change only through {@link JdbcGovernance#changeAlias}, which keeps their history).
 */
final class JdbcRegistry {

    private static final String INSERT_MODEL = "INSERT INTO registered_models"
            + " (name, description, creation_time, last_updated_time, latest_version) VALUES (?, ?, ?, ?, 0)";
    private static final String INSERT_MODEL_TAG = "INSERT INTO model_tags (model_name, tag_key, tag_value) VALUES (?, ?, ?)";
    private static final String SELECT_MODELS = "SELECT name, description, creation_time, last_updated_time, latest_version"
            + " FROM registered_models";
    private static final String SELECT_MODEL_TAGS = "SELECT model_name, tag_key, tag_value FROM model_tags";
    private static final String SELECT_ALIASES = "SELECT model_name, alias, version FROM model_aliases";
    private static final String MODEL_EXISTS = "SELECT 1 FROM registered_models WHERE name = ?";
    private static final String UPDATE_DESCRIPTION =
            "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?";
    private static final String TOUCH_MODEL = "UPDATE registered_models SET last_updated_time = ? WHERE name = ?";

    // The UPDATE takes the model row's lock until commit, so concurrent registrations of one
    // model queue here and each reads back its own number: no gaps, no duplicates.
    private static final String NEXT_VERSION = "UPDATE registered_models"
            + " SET latest_version = latest_version + 1, last_updated_time = ? WHERE name = ?";
    private static final String READ_LATEST_VERSION = "SELECT latest_version FROM registered_models WHERE name = ?";
    private static final String INSERT_VERSION = "INSERT INTO model_versions (model_name, version, run_id, artifact_key,"
            + " sha256, size_bytes, flavor, signature_json, description, status, created_by, creation_time)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_VERSION_TAG =
            "INSERT INTO version_tags (model_name, version, tag_key, tag_value) VALUES (?, ?, ?, ?)";
    private static final String SELECT_VERSIONS = "SELECT model_name, version, run_id, artifact_key, sha256, size_bytes,"
            + " flavor, signature_json, description, status, created_by, creation_time FROM model_versions"
            + " WHERE model_name = ?";
    private static final String SELECT_VERSION_TAGS = "SELECT version, tag_key, tag_value FROM version_tags"
            + " WHERE model_name = ?";
    private static final String SELECT_VERSIONS_OF_RUN =
            "SELECT model_name, version FROM model_versions WHERE run_id = ? ORDER BY model_name, version";
    private static final String VERSION_EXISTS = "SELECT 1 FROM model_versions WHERE model_name = ? AND version = ?";

    private static final List<String> MODEL_TAG_COLUMNS = List.of("model_name", "tag_key", "tag_value");
    private static final List<String> VERSION_TAG_COLUMNS = List.of("model_name", "version", "tag_key", "tag_value");

    private final Database db;
    private final String upsertModelTag;
    private final String upsertVersionTag;

    JdbcRegistry(Database db, Dialect dialect) {
        this.db = db;
        this.upsertModelTag = dialect.upsert("model_tags", MODEL_TAG_COLUMNS, MODEL_TAG_COLUMNS.subList(0, 2));
        this.upsertVersionTag = dialect.upsert("version_tags", VERSION_TAG_COLUMNS, VERSION_TAG_COLUMNS.subList(0, 3));
    }

    // ---- models ----

    RegisteredModel createModel(String name, String description, Map<String, String> tags, long creationTime) {
        try {
            db.inTransaction("create registered model '" + name + "'", c -> {
                update(c, INSERT_MODEL, name, description, creationTime, creationTime);
                batch(c, INSERT_MODEL_TAG, JdbcTracking.tagRows(name, tags));
                return null;
            });
        } catch (AlreadyExistsException e) {
            throw new AlreadyExistsException("registered model '" + name + "' already exists", e);
        }
        return new RegisteredModel(name, description, tags, Map.of(), 0, creationTime, creationTime);
    }

    Optional<RegisteredModel> findModel(String name) {
        return db.inTransaction("find registered model '" + name + "'", c -> loadModel(c, name));
    }

    List<RegisteredModel> listModels() {
        return db.inTransaction("list registered models", c -> loadModels(c, "", ""));
    }

    RegisteredModel updateModelDescription(String name, String description, long updateTime) {
        return db.inTransaction("update the description of registered model '" + name + "'", c -> {
            if (update(c, UPDATE_DESCRIPTION, description, updateTime, name) == 0) {
                throw modelNotFound(name);
            }
            return loadModel(c, name).orElseThrow(() -> modelNotFound(name));
        });
    }

    void setModelTag(String name, String key, String value, long updateTime) {
        db.upsertTransaction("set tag '" + key + "' of registered model '" + name + "'", c -> {
            if (update(c, TOUCH_MODEL, updateTime, name) == 0) {
                throw modelNotFound(name);
            }
            update(c, upsertModelTag, name, key, value);
            return null;
        });
    }

    // ---- versions ----

    /**
     * One transaction: takes the next number (locking the model row), inserts the version and its
     * tags, then, when {@code audit} is not null, appends its audit entry through
     * {@link JdbcGovernance#append}, which locks the audit head after the model row as every
     * governance change does. A failure anywhere, the appender's included, rolls back all of it.
     */
    ModelVersion createVersion(ModelVersion draft, RegistryStore.VersionAudit audit) {
        String name = draft.name();
        return db.inTransaction("register a new version of model '" + name + "'", c -> {
            if (update(c, NEXT_VERSION, draft.creationTime(), name) == 0) {
                throw modelNotFound(name);
            }
            int version = queryOne(c, READ_LATEST_VERSION, rs -> rs.getInt(1), name).orElseThrow(() -> modelNotFound(name));
            update(c, INSERT_VERSION, name, version,
                    draft.runId().isEmpty() ? Database.Null.VARCHAR : draft.runId(),
                    draft.artifactKey(), draft.sha256(), draft.sizeBytes(), draft.flavor(),
                    StoredFormats.signatureToJson(draft.signature()), draft.description(), draft.status().name(),
                    draft.createdBy(), draft.creationTime());
            List<Object[]> tagRows = new ArrayList<>();
            draft.tags().forEach((k, v) -> tagRows.add(new Object[] {name, version, k, v}));
            batch(c, INSERT_VERSION_TAG, tagRows);
            ModelVersion created = new ModelVersion(name, version, draft.runId(), draft.artifactKey(), draft.sha256(),
                    draft.sizeBytes(), draft.flavor(), draft.signature(), draft.description(), draft.tags(),
                    draft.status(), draft.createdBy(), draft.creationTime());
            if (audit != null) {
                AuditAppender appender = audit.appenderFor(created);
                if (appender == null) {
                    throw new IllegalStateException("the version audit returned no appender for " + created.uri());
                }
                JdbcGovernance.append(c, appender);
            }
            return created;
        });
    }

    Optional<ModelVersion> findVersion(String name, int version) {
        return db.inTransaction("find version " + version + " of model '" + name + "'",
                c -> loadVersions(c, name, version).stream().findFirst());
    }

    List<ModelVersion> listVersions(String name) {
        return db.inTransaction("list versions of model '" + name + "'", c -> {
            requireModel(c, name);
            return loadVersions(c, name, null);
        });
    }

    List<ModelVersion> listVersionsByRun(String runId) {
        return db.inTransaction("list versions registered from run '" + runId + "'", c -> {
            List<ModelVersion> versions = new ArrayList<>();
            // A run registers a handful of versions: one load per version keeps one mapping of rows to versions.
            for (Object[] key : query(c, SELECT_VERSIONS_OF_RUN, rs -> new Object[] {rs.getString(1), rs.getInt(2)}, runId)) {
                versions.addAll(loadVersions(c, (String) key[0], (Integer) key[1]));
            }
            return versions;
        });
    }

    void setVersionTag(String name, int version, String key, String value) {
        db.upsertTransaction("set tag '" + key + "' of version " + version + " of model '" + name + "'", c -> {
            requireVersion(c, name, version);
            update(c, upsertVersionTag, name, version, key, value);
            return null;
        });
    }

    // ---- reading ----

    static Optional<RegisteredModel> loadModel(Connection c, String name) throws SQLException {
        return loadModels(c, " WHERE name = ?", " WHERE model_name = ?", name).stream().findFirst();
    }

    private static List<RegisteredModel> loadModels(Connection c, String where, String childWhere, Object... args)
            throws SQLException {
        Map<String, Map<String, String>> tags = new HashMap<>();
        query(c, SELECT_MODEL_TAGS + childWhere, rs -> tags.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                .put(rs.getString(2), rs.getString(3)), args);
        Map<String, Map<String, Integer>> aliases = new HashMap<>();
        query(c, SELECT_ALIASES + childWhere, rs -> aliases.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                .put(rs.getString(2), rs.getInt(3)), args);
        return query(c, SELECT_MODELS + where + " ORDER BY name", rs -> {
            String name = rs.getString(1);
            return new RegisteredModel(name, rs.getString(2), tags.get(name), aliases.get(name), rs.getInt(5),
                    rs.getLong(3), rs.getLong(4));
        }, args);
    }

    /** All versions of a model, or only {@code version} when it is not null. */
    static List<ModelVersion> loadVersions(Connection c, String name, Integer version) throws SQLException {
        String only = version == null ? "" : " AND version = ?";
        Object[] args = version == null ? new Object[] {name} : new Object[] {name, version};
        Map<Integer, Map<String, String>> tags = new HashMap<>();
        query(c, SELECT_VERSION_TAGS + only, rs -> tags.computeIfAbsent(rs.getInt(1), k -> new HashMap<>())
                .put(rs.getString(2), rs.getString(3)), args);
        return query(c, SELECT_VERSIONS + only + " ORDER BY version", rs -> {
            int number = rs.getInt(2);
            return new ModelVersion(rs.getString(1), number, rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getLong(6), rs.getString(7), StoredFormats.signatureFromJson(rs.getString(8)), rs.getString(9),
                    tags.get(number), ModelVersionStatus.valueOf(rs.getString(10)), rs.getString(11), rs.getLong(12));
        }, args);
    }

    private static void requireModel(Connection c, String name) throws SQLException {
        if (!exists(c, MODEL_EXISTS, name)) {
            throw modelNotFound(name);
        }
    }

    private static void requireVersion(Connection c, String name, int version) throws SQLException {
        requireModel(c, name);
        if (!exists(c, VERSION_EXISTS, name, version)) {
            throw versionNotFound(name, version);
        }
    }

    static NotFoundException modelNotFound(String name) {
        return new NotFoundException("registered model '" + name + "' does not exist");
    }

    static NotFoundException versionNotFound(String name, int version) {
        return new NotFoundException("version " + version + " of registered model '" + name + "' does not exist");
    }
}
