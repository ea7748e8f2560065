package io.mlops.api.spi;

import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.ModelVersion;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of approval states, alias history, inventory records, role grants and the audit
 * chain. Core decides; the store applies each change and its audit entry in one atomic step,
 * safe across processes, so a change is never stored without its audit entry or the other way
 * round. The audit log is append-only: there is no method that changes or removes an entry.
 */
public interface GovernanceStore {

    /**
     * Applies a state change as {@link StatusChange} describes, with its audit entry.
     *
     * @return the version after the change
     * @throws io.mlops.api.NotFoundException if the version does not exist
     */
    ModelVersion changeStatus(StatusChange change, AuditAppender audit);

    /** Oldest first; empty when the version never changed state. */
    List<StatusTransition> listTransitions(String name, int version);

    /** Applies an alias move as {@link AliasUpdate} describes, with its audit entry. */
    void changeAlias(AliasUpdate update, AuditAppender audit);

    /** Every alias change of the model, oldest first. */
    List<AliasChange> listAliasChanges(String name);

    /**
     * Replaces the model's inventory, with its audit entry.
     *
     * @throws io.mlops.api.NotFoundException if the model does not exist
     */
    void putInventory(String name, ModelInventory inventory, long updateTime, AuditAppender audit);

    Optional<ModelInventory> findInventory(String name);

    /** Stores the grant (replacing an identical subject/role grant), with its audit entry. */
    void grantRole(RoleGrant grant, AuditAppender audit);

    /** @return whether such a grant existed; the audit entry is appended either way */
    boolean revokeRole(RoleGrant.SubjectKind kind, String subject, Role role, AuditAppender audit);

    /** By subject kind, subject, role. */
    List<RoleGrant> listRoleGrants();

    /** Appends an entry on its own: a refused attempt, or a change the other stores made. */
    AuditEntry appendAudit(AuditAppender audit);

    /** Up to {@code limit} entries with {@code seq >= fromSeq}, by seq, exactly as stored. */
    List<AuditEntry> readAudit(long fromSeq, int limit);

    /** The entry with the highest seq, if any. */
    Optional<AuditEntry> lastAudit();
}
