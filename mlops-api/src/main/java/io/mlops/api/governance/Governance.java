package io.mlops.api.governance;

import io.mlops.api.Principal;
import io.mlops.api.registry.ModelVersion;
import java.util.List;
import java.util.Set;

/**
 * Approval workflow, alias history, model inventory, roles and the audit log. Every rule here is
 * enforced in core, whatever store is behind it, and every change and refusal is audited.
 *
 * <pre>{@code
 * // the data scientist
 * ModelVersion v = alice.registry().createVersion(...);
 * alice.governance().requestApproval("credit-risk", v.version(), "AUC 0.81 on the 2026-Q3 holdout");
 * // the validator, a different person
 * victor.governance().approve("credit-risk", v.version(), "Validation report VR-2026-114");
 * victor.registry().setAlias("credit-risk", "champion", v.version());
 * }</pre>
 *
 * <p>A version moves NEW → PENDING_APPROVAL → APPROVED or REJECTED → ARCHIVED (a NEW version may
 * also be archived). The approver must differ from the requester and from the version's creator,
 * and must not be listed among the model's developers in its inventory. Protected aliases
 * ({@code champion} and {@code production} unless configured) point only at APPROVED versions.
 */
public interface Governance {

    /** NEW → PENDING_APPROVAL. Needs {@link Role#DATA_SCIENTIST}. */
    ModelVersion requestApproval(String name, int version, String rationale);

    /**
     * PENDING_APPROVAL → APPROVED. Needs {@link Role#VALIDATOR}, and a validator who neither
     * created the version, nor requested its approval, nor is listed as a developer of the model.
     *
     * @throws io.mlops.api.PermissionDeniedException naming the rule that refused it
     */
    ModelVersion approve(String name, int version, String rationale);

    /** PENDING_APPROVAL → REJECTED, under the same rules as {@link #approve}. */
    ModelVersion reject(String name, int version, String rationale);

    /**
     * NEW, APPROVED or REJECTED → ARCHIVED. Refused while a protected alias points at the version.
     * Needs {@link Role#VALIDATOR} or {@link Role#ADMIN}.
     */
    ModelVersion archive(String name, int version, String rationale);

    /** Every state change of a version, oldest first. */
    List<StatusTransition> transitions(String name, int version);

    /**
     * Scores a version on its golden set, in-process, on the verified bytes that would be served,
     * and records the outcome (audit log, and the version tag {@code mlops.golden.last_check}).
     * Moving a protected alias runs the same check and refuses a version that fails it.
     *
     * @throws io.mlops.api.NotFoundException if the version has no golden set
     */
    io.mlops.api.registry.GoldenSetCheck checkGoldenSet(String name, int version);

    /**
     * Moves a protected alias back to the APPROVED version it pointed at before its current one
     * (skipping versions since archived), recorded as a rollback. Needs {@link Role#VALIDATOR}.
     *
     * @return the recorded change
     * @throws io.mlops.api.ConflictException if the alias has no earlier approved version
     */
    AliasChange rollback(String name, String alias, String rationale);

    /** Every alias change of a model, oldest first. */
    List<AliasChange> aliasHistory(String name);

    /** The aliases that may point only at APPROVED versions. */
    Set<String> protectedAliases();

    /** Replaces the model's inventory record. Needs {@link Role#DATA_SCIENTIST} or {@link Role#VALIDATOR}. */
    ModelInventory setInventory(String name, ModelInventory inventory);

    /** The model's inventory record; {@link ModelInventory#EMPTY} when none was set. */
    ModelInventory inventory(String name);

    /**
     * A model card in Markdown for one version: inventory, approval history, lineage (run,
     * parameters, metrics, datasets) and signature, from what the registry and tracking hold.
     */
    String modelCard(String name, int version);

    /** Grants a role stored in the metadata store. Needs {@link Role#ADMIN}. */
    RoleGrant grantRole(RoleGrant.SubjectKind kind, String subject, Role role);

    /** @return whether the grant existed. Needs {@link Role#ADMIN}. */
    boolean revokeRole(RoleGrant.SubjectKind kind, String subject, Role role);

    /** Stored grants (not those of the static {@link RoleMapping}). */
    List<RoleGrant> roleGrants();

    /** The roles {@code principal} holds: the mapping's and the stored grants. */
    Set<Role> rolesOf(Principal principal);

    /** The audit log. */
    AuditLog audit();
}
