package io.mlops.jdbc;

import static io.mlops.jdbc.Database.query;
import static io.mlops.jdbc.Database.queryOne;
import static io.mlops.jdbc.Database.update;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.RiskTier;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.StatusChange;
import io.mlops.core.internal.StoredFormats;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The governance half of {@link JdbcMetadataStore}: approval states, alias history, the model
 * inventory, role grants and the audit chain.
 *
 * <p>Every change is one transaction that locks what it checks, applies the change and appends its
 * audit entry, so that a change is never stored without its entry or the other way round, and
 * concurrent writers in other processes see either all of it or none. Locks are always taken in
 * the same order, model row, then version row, then the audit head, so writers never deadlock:
 * <ul>
 *   <li>the model's row ({@code FOR NO KEY UPDATE} on PostgreSQL, which does not block the foreign
 *       key checks of concurrent tag writes) serializes status and alias changes of one model, so
 *       archiving a version and pointing an alias at it cannot both pass their checks;</li>
 *   <li>the version's row, for the status it checks;</li>
 *   <li>the single row of {@code audit_head}, last, which serializes every append to the chain.</li>
 * </ul>
 */
final class JdbcGovernance {

    /** The CHECK constraint of V6 that keeps the four-eyes rule. */
    static final String FOUR_EYES_CONSTRAINT = "model_versions_four_eyes_ck";

    private static final String LOCK_MODEL_H2 = "SELECT name FROM registered_models WHERE name = ? FOR UPDATE";
    private static final String LOCK_MODEL_POSTGRESQL =
            "SELECT name FROM registered_models WHERE name = ? FOR NO KEY UPDATE";
    private static final String LOCK_VERSION = "SELECT status, created_by, requested_by FROM model_versions"
            + " WHERE model_name = ? AND version = ?";
    private static final String TOUCH_MODEL = "UPDATE registered_models SET last_updated_time = ? WHERE name = ?";

    // ---- states ----
    private static final String REQUEST_APPROVAL = "UPDATE model_versions SET status = ?, requested_by = ?,"
            + " decided_by = NULL WHERE model_name = ? AND version = ?";
    private static final String DECIDE = "UPDATE model_versions SET status = ?, decided_by = ?"
            + " WHERE model_name = ? AND version = ?";
    private static final String SET_STATUS = "UPDATE model_versions SET status = ? WHERE model_name = ? AND version = ?";
    private static final String ALIASES_OF_VERSION =
            "SELECT alias FROM model_aliases WHERE model_name = ? AND version = ? ORDER BY alias";
    private static final String NEXT_TRANSITION =
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM version_transitions WHERE model_name = ? AND version = ?";
    private static final String INSERT_TRANSITION = "INSERT INTO version_transitions (model_name, version, seq,"
            + " from_status, to_status, principal, transition_time, rationale) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_TRANSITIONS = "SELECT model_name, version, from_status, to_status, principal,"
            + " transition_time, rationale FROM version_transitions WHERE model_name = ? AND version = ? ORDER BY seq";

    // ---- aliases ----
    private static final String ALIAS_TARGET = "SELECT version FROM model_aliases WHERE model_name = ? AND alias = ?";
    private static final String DELETE_ALIAS = "DELETE FROM model_aliases WHERE model_name = ? AND alias = ?";
    private static final String INSERT_ALIAS_CHANGE = "INSERT INTO alias_changes (model_name, alias, from_version,"
            + " to_version, action, principal, change_time, rationale) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_ALIAS_CHANGES = "SELECT model_name, alias, from_version, to_version, action,"
            + " principal, change_time, rationale FROM alias_changes WHERE model_name = ? ORDER BY id";
    private static final List<String> ALIAS_COLUMNS = List.of("model_name", "alias", "version");

    // ---- inventory ----
    private static final List<String> INVENTORY_COLUMNS = List.of("model_name", "owner", "developers_json", "validator",
            "risk_tier", "intended_use", "known_limitations", "next_validation_due", "update_time");
    private static final String SELECT_INVENTORY = "SELECT owner, developers_json, validator, risk_tier, intended_use,"
            + " known_limitations, next_validation_due FROM model_inventory WHERE model_name = ?";
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() { };

    // ---- roles ----
    private static final List<String> GRANT_COLUMNS =
            List.of("subject_kind", "subject", "role_name", "granted_by", "grant_time");
    private static final String DELETE_GRANT =
            "DELETE FROM role_grants WHERE subject_kind = ? AND subject = ? AND role_name = ?";
    private static final String SELECT_GRANTS =
            "SELECT subject_kind, subject, role_name, granted_by, grant_time FROM role_grants";
    // By the stored names (GROUP before USER, ADMIN before VIEWER), as the GovernanceStore contract
    // says; sorted here rather than by ORDER BY so that the order of subjects does not depend on the
    // database's collation (PostgreSQL's locale collations ignore case and punctuation at first).
    private static final Comparator<RoleGrant> GRANT_ORDER = Comparator.comparing((RoleGrant g) -> g.subjectKind().name())
            .thenComparing(RoleGrant::subject).thenComparing(g -> g.role().name());

    // ---- audit ----
    private static final String LOCK_AUDIT_HEAD = "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE";
    private static final String MOVE_AUDIT_HEAD = "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1";
    private static final String INSERT_AUDIT = "INSERT INTO audit_log (seq, entry_time, principal, action, target,"
            + " outcome, request_id, summary, previous_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String AUDIT_COLUMNS = "seq, entry_time, principal, action, target, outcome, request_id,"
            + " summary, previous_hash, entry_hash";
    private static final String READ_AUDIT = "SELECT " + AUDIT_COLUMNS + " FROM audit_log WHERE seq >= ?"
            + " ORDER BY seq FETCH FIRST ? ROWS ONLY";
    private static final String LAST_AUDIT = "SELECT " + AUDIT_COLUMNS + " FROM audit_log"
            + " ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY";

    private final Database db;
    private final String lockModel;
    private final String lockVersion;
    private final String upsertAlias;
    private final String upsertInventory;
    private final String upsertGrant;

    JdbcGovernance(Database db, Dialect dialect) {
        this.db = db;
        boolean postgres = dialect == Dialect.POSTGRESQL;
        this.lockModel = postgres ? LOCK_MODEL_POSTGRESQL : LOCK_MODEL_H2;
        this.lockVersion = LOCK_VERSION + (postgres ? " FOR NO KEY UPDATE" : " FOR UPDATE");
        this.upsertAlias = dialect.upsert("model_aliases", ALIAS_COLUMNS, ALIAS_COLUMNS.subList(0, 2));
        this.upsertInventory = dialect.upsert("model_inventory", INVENTORY_COLUMNS, INVENTORY_COLUMNS.subList(0, 1));
        this.upsertGrant = dialect.upsert("role_grants", GRANT_COLUMNS, GRANT_COLUMNS.subList(0, 3));
    }

    // ---- approval states ----

    ModelVersion changeStatus(StatusChange change, AuditAppender audit) {
        String name = change.name();
        int version = change.version();
        String what = "version " + version + " of model '" + name + "'";
        return db.inTransaction("change the status of " + what + " from " + change.from() + " to " + change.to(), c -> {
            lockModel(c, name);
            VersionRow row = queryOne(c, lockVersion, rs -> new VersionRow(ModelVersionStatus.valueOf(rs.getString(1)),
                    rs.getString(2), rs.getString(3)), name, version)
                    .orElseThrow(() -> JdbcRegistry.versionNotFound(name, version));
            if (row.status() != change.from()) {
                throw new ConflictException("cannot change the status of " + what + " from " + change.from() + " to "
                        + change.to() + ": its status is " + row.status() + ", not " + change.from()
                        + " (another change came first; read the version again)");
            }
            if (change.to() == ModelVersionStatus.ARCHIVED && !change.blockingAliases().isEmpty()) {
                List<String> blocking = query(c, ALIASES_OF_VERSION, rs -> rs.getString(1), name, version).stream()
                        .filter(change.blockingAliases()::contains).toList();
                if (!blocking.isEmpty()) {
                    throw new ConflictException("cannot archive " + what + ": "
                            + (blocking.size() == 1 ? "alias " : "aliases ") + quoted(blocking)
                            + (blocking.size() == 1 ? " points" : " point") + " at it, and an archived version may not"
                            + " be the target of a protected alias; move or delete "
                            + (blocking.size() == 1 ? "the alias" : "them") + " first");
                }
            }
            try {
                switch (change.to()) {
                    case PENDING_APPROVAL -> update(c, REQUEST_APPROVAL, change.to().name(), change.principal(), name,
                            version);
                    case APPROVED, REJECTED -> update(c, DECIDE, change.to().name(), change.principal(), name, version);
                    default -> update(c, SET_STATUS, change.to().name(), name, version);
                }
            } catch (SQLException e) {
                if (Database.isCheckViolation(e, FOUR_EYES_CONSTRAINT)) {
                    throw fourEyesViolation(change, row, e);
                }
                throw e;
            }
            int seq = queryOne(c, NEXT_TRANSITION, rs -> rs.getInt(1), name, version).orElse(1);
            update(c, INSERT_TRANSITION, name, version, seq, change.from().name(), change.to().name(),
                    change.principal(), change.time(), change.rationale());
            append(c, audit);
            return JdbcRegistry.loadVersions(c, name, version).get(0);
        });
    }

    List<StatusTransition> listTransitions(String name, int version) {
        return db.inTransaction("list the status changes of version " + version + " of model '" + name + "'",
                c -> query(c, SELECT_TRANSITIONS, rs -> new StatusTransition(rs.getString(1), rs.getInt(2),
                        ModelVersionStatus.valueOf(rs.getString(3)), ModelVersionStatus.valueOf(rs.getString(4)),
                        rs.getString(5), rs.getLong(6), rs.getString(7)), name, version));
    }

    private static PermissionDeniedException fourEyesViolation(StatusChange change, VersionRow row, SQLException e) {
        String principal = change.principal();
        String verb = change.to() == ModelVersionStatus.APPROVED ? "approve" : "reject";
        String why = principal.equals(row.createdBy()) ? "registered it" : "requested its approval";
        String others = "its creator '" + row.createdBy() + "'"
                + (row.requestedBy() == null ? "" : " and its approval requester '" + row.requestedBy() + "'");
        return new PermissionDeniedException("four-eyes rule: '" + principal + "' may not " + verb + " version "
                + change.version() + " of model '" + change.name() + "' because '" + principal + "' " + why
                + "; the decision must come from a principal other than " + others, e);
    }

    // ---- aliases ----

    void changeAlias(AliasUpdate aliasUpdate, AuditAppender audit) {
        AliasChange change = aliasUpdate.change();
        String name = change.name();
        String alias = change.alias();
        int to = change.toVersion();
        String operation = to == 0 ? "delete alias '" + alias + "' of model '" + name + "'"
                : "point alias '" + alias + "' of model '" + name + "' at version " + to;
        db.inTransaction(operation, c -> {
            lockModel(c, name);
            int current = queryOne(c, ALIAS_TARGET, rs -> rs.getInt(1), name, alias).orElse(0);
            if (current != aliasUpdate.expectedFrom()) {
                throw new ConflictException("cannot " + operation + ": the alias " + aliasState(current)
                        + ", but the change expected that it " + aliasState(aliasUpdate.expectedFrom())
                        + " (another change moved it meanwhile; read the model again)");
            }
            if (to != 0) {
                ModelVersionStatus status = queryOne(c, lockVersion, rs -> ModelVersionStatus.valueOf(rs.getString(1)),
                        name, to).orElseThrow(() -> JdbcRegistry.versionNotFound(name, to));
                Optional<ModelVersionStatus> required = aliasUpdate.requiredStatus();
                if (required.isPresent() && required.get() != status) {
                    throw new ConflictException("cannot " + operation + ": the alias may point only at a version in"
                            + " status " + required.get() + ", and version " + to + " is " + status);
                }
                update(c, upsertAlias, name, alias, to);
            } else {
                update(c, DELETE_ALIAS, name, alias);
            }
            update(c, INSERT_ALIAS_CHANGE, name, alias, change.fromVersion(), to, change.action().name(),
                    change.principal(), change.time(), change.rationale());
            update(c, TOUCH_MODEL, change.time(), name);
            append(c, audit);
            return null;
        });
    }

    private static String aliasState(int version) {
        return version == 0 ? "does not exist" : "points at version " + version;
    }

    List<AliasChange> listAliasChanges(String name) {
        return db.inTransaction("list the alias changes of model '" + name + "'",
                c -> query(c, SELECT_ALIAS_CHANGES, rs -> new AliasChange(rs.getString(1), rs.getString(2),
                        rs.getInt(3), rs.getInt(4), AliasChange.AliasAction.valueOf(rs.getString(5)), rs.getString(6),
                        rs.getLong(7), rs.getString(8)), name));
    }

    // ---- inventory ----

    void putInventory(String name, ModelInventory inventory, long updateTime, AuditAppender audit) {
        String developers = developersToJson(inventory.developers());
        db.upsertTransaction("set the inventory of model '" + name + "'", c -> {
            lockModel(c, name);
            update(c, upsertInventory, name, inventory.owner(), developers, inventory.validator(),
                    inventory.riskTier().name(), inventory.intendedUse(), inventory.knownLimitations(),
                    inventory.nextValidationDue().<Object>map(d -> d).orElse(Database.Null.DATE), updateTime);
            append(c, audit);
            return null;
        });
    }

    Optional<ModelInventory> findInventory(String name) {
        return db.inTransaction("read the inventory of model '" + name + "'", c -> queryOne(c, SELECT_INVENTORY,
                rs -> new ModelInventory(rs.getString(1), developersFromJson(name, rs.getString(2)), rs.getString(3),
                        RiskTier.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6),
                        Optional.ofNullable(rs.getObject(7, LocalDate.class))), name));
    }

    private static String developersToJson(List<String> developers) {
        try {
            return StoredFormats.mapper().writeValueAsString(developers);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("developers " + developers + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static List<String> developersFromJson(String name, String json) {
        ObjectMapper mapper = StoredFormats.mapper();
        try {
            return mapper.readValue(json, STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new MlopsException("the stored inventory of model '" + name + "' has developers that are not a JSON"
                    + " array of names: " + Database.abbreviate(json), e);
        }
    }

    // ---- roles ----

    void grantRole(RoleGrant grant, AuditAppender audit) {
        db.upsertTransaction("grant role " + grant.role() + " to " + describe(grant.subjectKind(), grant.subject()), c -> {
            update(c, upsertGrant, grant.subjectKind().name(), grant.subject(), grant.role().name(), grant.grantedBy(),
                    grant.grantTime());
            append(c, audit);
            return null;
        });
    }

    boolean revokeRole(RoleGrant.SubjectKind kind, String subject, Role role, AuditAppender audit) {
        return db.inTransaction("revoke role " + role + " from " + describe(kind, subject), c -> {
            boolean existed = update(c, DELETE_GRANT, kind.name(), subject, role.name()) > 0;
            append(c, audit);
            return existed;
        });
    }

    List<RoleGrant> listRoleGrants() {
        List<RoleGrant> grants = db.inTransaction("list role grants", c -> query(c, SELECT_GRANTS,
                rs -> new RoleGrant(RoleGrant.SubjectKind.valueOf(rs.getString(1)), rs.getString(2),
                        Role.valueOf(rs.getString(3)), rs.getString(4), rs.getLong(5))));
        return grants.stream().sorted(GRANT_ORDER).toList();
    }

    private static String describe(RoleGrant.SubjectKind kind, String subject) {
        return kind.name().toLowerCase(Locale.ROOT) + " '" + subject + "'";
    }

    // ---- audit ----

    AuditEntry appendAudit(AuditAppender audit) {
        return db.inTransaction("append to the audit log", c -> append(c, audit));
    }

    List<AuditEntry> readAudit(long fromSeq, int limit) {
        if (limit < 0) {
            throw new InvalidArgumentException("audit read limit must be 0 or more, got " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return db.inTransaction("read " + limit + " audit entries from seq " + fromSeq,
                c -> query(c, READ_AUDIT, JdbcGovernance::auditEntry, fromSeq, limit));
    }

    Optional<AuditEntry> lastAudit() {
        return db.inTransaction("read the last audit entry", c -> queryOne(c, LAST_AUDIT, JdbcGovernance::auditEntry));
    }

    /**
     * Appends one entry in the caller's transaction: locks the chain's head, has core seal the entry
     * at the next position, stores it unchanged and moves the head. The lock is held until the
     * transaction ends, so the entry and the change it records commit (or vanish) together and no
     * other append can take the same position. {@link JdbcRegistry#createVersion} uses it too, so a
     * registration and its entry share one transaction; it calls it after the model row's lock, in
     * the order every writer takes its locks.
     */
    static AuditEntry append(Connection c, AuditAppender audit) throws SQLException {
        Head head = queryOne(c, LOCK_AUDIT_HEAD, rs -> new Head(rs.getLong(1), rs.getString(2)))
                .orElseThrow(() -> new MlopsException("the audit_head row (id 1) is missing; schema version 6 inserts"
                        + " it and nothing deletes it, so the audit tables were changed by hand"));
        long seq = head.seq() + 1;
        AuditEntry entry = audit.next(seq, head.hash());
        if (entry == null || entry.seq() != seq || !entry.previousHash().equals(head.hash())) {
            throw new IllegalStateException("the audit appender must seal the entry at seq " + seq + " after hash "
                    + head.hash() + ", but returned " + (entry == null ? "null"
                            : "seq " + entry.seq() + " after hash " + entry.previousHash()));
        }
        update(c, INSERT_AUDIT, entry.seq(), entry.time(), entry.principal(), entry.action(), entry.target(),
                entry.outcome().name(), entry.requestId(), entry.summary(), entry.previousHash(), entry.hash());
        update(c, MOVE_AUDIT_HEAD, entry.seq(), entry.hash());
        return entry;
    }

    private static AuditEntry auditEntry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                AuditOutcome.valueOf(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getString(10));
    }

    // ---- locking ----

    private void lockModel(Connection c, String name) throws SQLException {
        if (queryOne(c, lockModel, rs -> Boolean.TRUE, name).isEmpty()) {
            throw JdbcRegistry.modelNotFound(name);
        }
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    private record VersionRow(ModelVersionStatus status, String createdBy, String requestedBy) {
    }

    private record Head(long seq, String hash) {
    }
}
