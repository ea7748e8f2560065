package io.mlops.core.internal;

import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.ModelUri;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.governance.AuditLog;
import io.mlops.api.governance.Governance;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.GoldenSetCheck;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.StatusChange;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The approval workflow, alias rules, inventory and roles, over any {@link MetadataStore}. */
final class DefaultGovernance implements Governance {

    private static final Logger LOG = LoggerFactory.getLogger(Governance.class);

    private final MetadataStore store;
    private final DefaultRegistry registry;
    private final Guard guard;
    private final DefaultAuditLog audit;

    DefaultGovernance(MetadataStore store, ArtifactStore artifacts, DefaultRegistry registry, Guard guard) {
        this.store = store;
        this.registry = registry;
        this.guard = guard;
        this.audit = new DefaultAuditLog(store, artifacts, guard);
    }

    @Override
    public ModelVersion requestApproval(String name, int version, String rationale) {
        String target = versionTarget(name, version);
        guard.require(Permission.REQUEST_APPROVAL, "governance.requestApproval", target);
        String why = Validation.rationale(rationale);
        ModelVersion v = registry.version(name, version);
        expectStatus(v, "sent for approval", ModelVersionStatus.NEW);
        return transition(v, ModelVersionStatus.PENDING_APPROVAL, why, "governance.requestApproval", Set.of());
    }

    @Override
    public ModelVersion approve(String name, int version, String rationale) {
        return decide(name, version, rationale, ModelVersionStatus.APPROVED, "governance.approve", "approve");
    }

    @Override
    public ModelVersion reject(String name, int version, String rationale) {
        return decide(name, version, rationale, ModelVersionStatus.REJECTED, "governance.reject", "reject");
    }

    private ModelVersion decide(String name, int version, String rationale, ModelVersionStatus to, String action,
            String verb) {
        String target = versionTarget(name, version);
        guard.require(Permission.DECIDE_APPROVAL, action, target);
        String why = Validation.rationale(rationale);
        ModelVersion v = registry.version(name, version);
        expectStatus(v, verb + "d", ModelVersionStatus.PENDING_APPROVAL);
        // Also with governance off: the database's constraint enforces it anyway, and a refusal
        // made here is audited and explained, where the store's would not be.
        checkFourEyes(v, action, target, verb);
        return transition(v, to, why, action, Set.of());
    }

    /** The approver is neither the creator, nor the requester, nor a developer named in the inventory. */
    private void checkFourEyes(ModelVersion v, String action, String target, String verb) {
        String me = guard.principal().name();
        if (me.equals(v.createdBy())) {
            throw guard.deny(action, target, "four-eyes rule: " + me + " registered " + target + " and may not " + verb
                    + " it; a validator other than its creator must");
        }
        Optional<String> requester = requesterOf(v);
        if (requester.isPresent() && me.equals(requester.get())) {
            throw guard.deny(action, target, "four-eyes rule: " + me + " requested the approval of " + target
                    + " and may not " + verb + " it; a validator other than the requester must");
        }
        ModelInventory inventory = store.findInventory(v.name()).orElse(ModelInventory.EMPTY);
        if (inventory.developers().contains(me)) {
            throw guard.deny(action, target, "four-eyes rule: " + me + " is listed as a developer of model '" + v.name()
                    + "' " + inventory.developers() + " and may not " + verb + " its versions; an independent validator"
                    + " must");
        }
    }

    private Optional<String> requesterOf(ModelVersion v) {
        List<StatusTransition> history = store.listTransitions(v.name(), v.version());
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).to() == ModelVersionStatus.PENDING_APPROVAL) {
                return Optional.of(history.get(i).principal());
            }
        }
        return Optional.empty();
    }

    @Override
    public ModelVersion archive(String name, int version, String rationale) {
        String target = versionTarget(name, version);
        guard.require(Permission.ARCHIVE, "governance.archive", target);
        String why = Validation.rationale(rationale);
        ModelVersion v = registry.version(name, version);
        expectStatus(v, "archived", ModelVersionStatus.NEW, ModelVersionStatus.APPROVED, ModelVersionStatus.REJECTED);
        return transition(v, ModelVersionStatus.ARCHIVED, why, "governance.archive",
                guard.enforced() ? registry.protectedAliases() : Set.of());
    }

    private ModelVersion transition(ModelVersion v, ModelVersionStatus to, String rationale, String action,
            Set<String> blockingAliases) {
        StatusChange change = new StatusChange(v.name(), v.version(), v.status(), to, guard.principal().name(),
                guard.clock().millis(), rationale, blockingAliases);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("before", Map.of("status", v.status().name()));
        summary.put("after", Map.of("status", to.name()));
        summary.put("rationale", rationale);
        ModelVersion changed = store.changeStatus(change, guard.appender(action, v.uri().toString(), summary));
        LOG.info("{} moved from {} to {} by {}: {}", v.uri(), v.status(), to, guard.principal().name(), rationale);
        return changed;
    }

    private static void expectStatus(ModelVersion v, String verb, ModelVersionStatus... allowed) {
        EnumSet<ModelVersionStatus> ok = EnumSet.of(allowed[0], allowed);
        if (!ok.contains(v.status())) {
            throw new ConflictException(v.uri() + " is " + v.status() + " and cannot be " + verb + "; only a version that is "
                    + (ok.size() == 1 ? ok.iterator().next() : "one of " + ok) + " can");
        }
    }

    @Override
    public List<StatusTransition> transitions(String name, int version) {
        guard.require(Permission.READ, "governance.transitions", versionTarget(name, version));
        registry.version(name, version);
        return store.listTransitions(name, version);
    }

    @Override
    public GoldenSetCheck checkGoldenSet(String name, int version) {
        Validation.modelName(name);
        Validation.version(name, version);
        String target = versionTarget(name, version);
        guard.require(Permission.CHECK_GOLDEN_SET, "governance.checkGoldenSet", target);
        ModelVersion v = registry.version(name, version);
        return registry.checkGoldenSet(v).orElseThrow(() -> new NotFoundException(v.uri()
                + " has no golden set; attach one with registry().attachGoldenSet while the version is NEW"));
    }

    @Override
    public AliasChange rollback(String name, String alias, String rationale) {
        String target = ModelUri.ofAlias(name, alias).toString();
        boolean isProtected = registry.isProtected(alias);
        guard.require(isProtected ? Permission.SET_PROTECTED_ALIAS : Permission.SET_ALIAS, "governance.rollback", target);
        String why = Validation.rationale(rationale);
        RegisteredModel model = registry.getModelUnchecked(name);
        Integer current = model.aliases().get(Validation.alias(alias));
        if (current == null) {
            throw new NotFoundException("alias '" + alias + "' of model '" + name + "' does not exist, so there is nothing"
                    + " to roll back; its aliases are " + (model.aliases().isEmpty() ? "none" : model.aliases()));
        }
        List<AliasChange> history = store.listAliasChanges(name);
        List<Integer> earlier = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            AliasChange c = history.get(i);
            if (c.alias().equals(alias) && c.toVersion() != 0 && c.toVersion() != current
                    && !earlier.contains(c.toVersion())) {
                earlier.add(c.toVersion());
            }
        }
        for (int candidate : earlier) {
            ModelVersionStatus status = registry.version(name, candidate).status();
            boolean eligible = isProtected && guard.enforced()
                    ? status == ModelVersionStatus.APPROVED
                    : status != ModelVersionStatus.ARCHIVED;
            if (eligible) {
                return registry.changeAlias(name, alias, candidate, AliasAction.ROLLBACK, why);
            }
        }
        throw new ConflictException("alias '" + alias + "' of model '" + name + "' points at version " + current
                + " and has no earlier " + (isProtected ? "APPROVED " : "unarchived ") + "version to roll back to"
                + (earlier.isEmpty() ? " (it never pointed elsewhere)" : " (it pointed at " + earlier + " before)"));
    }

    @Override
    public List<AliasChange> aliasHistory(String name) {
        guard.require(Permission.READ, "governance.aliasHistory", "models:/" + name);
        registry.getModelUnchecked(name);
        return store.listAliasChanges(name);
    }

    @Override
    public Set<String> protectedAliases() {
        guard.require(Permission.READ, "governance.protectedAliases", "configuration");
        return registry.protectedAliases();
    }

    @Override
    public ModelInventory setInventory(String name, ModelInventory inventory) {
        Objects.requireNonNull(inventory, "inventory");
        String target = "models:/" + name;
        guard.require(Permission.EDIT_INVENTORY, "governance.setInventory", target);
        registry.getModelUnchecked(name);
        ModelInventory before = store.findInventory(name).orElse(ModelInventory.EMPTY);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("before", describe(before));
        summary.put("after", describe(inventory));
        store.putInventory(name, inventory, guard.clock().millis(),
                guard.appender("governance.setInventory", target, summary));
        return inventory;
    }

    private static Map<String, Object> describe(ModelInventory i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", i.owner());
        m.put("developers", i.developers());
        m.put("validator", i.validator());
        m.put("riskTier", i.riskTier().name());
        m.put("intendedUse", i.intendedUse());
        m.put("knownLimitations", i.knownLimitations());
        m.put("nextValidationDue", i.nextValidationDue().map(Object::toString).orElse(""));
        return m;
    }

    @Override
    public ModelInventory inventory(String name) {
        guard.require(Permission.READ, "governance.inventory", "models:/" + name);
        registry.getModelUnchecked(name);
        return store.findInventory(name).orElse(ModelInventory.EMPTY);
    }

    @Override
    public String modelCard(String name, int version) {
        guard.require(Permission.READ, "governance.modelCard", versionTarget(name, version));
        ModelVersion v = registry.version(name, version);
        return ModelCards.render(store, registry.getModelUnchecked(name), v);
    }

    @Override
    public RoleGrant grantRole(RoleGrant.SubjectKind kind, String subject, Role role) {
        Objects.requireNonNull(kind, "subject kind");
        Objects.requireNonNull(role, "role");
        String target = subjectTarget(kind, subject);
        guard.require(Permission.MANAGE_ROLES, "governance.grantRole", target);
        Principal me = guard.principal();
        if (guard.enforced() && (kind == RoleGrant.SubjectKind.USER ? subject.equals(me.name())
                : me.groups().contains(subject))) {
            throw guard.deny("governance.grantRole", target, me.name() + " may not grant role " + role + " to "
                    + target + ", which includes themselves; another administrator must");
        }
        RoleGrant grant = new RoleGrant(kind, subject, role, me.name(), guard.clock().millis());
        store.grantRole(grant, guard.appender("governance.grantRole", target, Map.of("role", role.name())));
        guard.roleResolver().invalidate();
        LOG.info("role {} granted to {} by {}", role, target, me.name());
        return grant;
    }

    @Override
    public boolean revokeRole(RoleGrant.SubjectKind kind, String subject, Role role) {
        Objects.requireNonNull(kind, "subject kind");
        Objects.requireNonNull(role, "role");
        String target = subjectTarget(kind, subject);
        guard.require(Permission.MANAGE_ROLES, "governance.revokeRole", target);
        boolean existed = store.revokeRole(kind, subject, role,
                guard.appender("governance.revokeRole", target, Map.of("role", role.name())));
        guard.roleResolver().invalidate();
        return existed;
    }

    private static String subjectTarget(RoleGrant.SubjectKind kind, String subject) {
        if (subject == null || subject.isBlank()) {
            throw new InvalidArgumentException("role grant subject must be a non-blank " + kind.name().toLowerCase(Locale.ROOT)
                    + " name, got " + (subject == null ? "null" : "'" + subject + "'"));
        }
        return kind.name().toLowerCase(Locale.ROOT) + ":" + subject;
    }

    @Override
    public List<RoleGrant> roleGrants() {
        guard.require(Permission.READ, "governance.roleGrants", "roles");
        return store.listRoleGrants();
    }

    @Override
    public Set<Role> rolesOf(Principal principal) {
        Objects.requireNonNull(principal, "principal");
        guard.require(Permission.READ, "governance.rolesOf", "principal:" + principal.name());
        return guard.roleResolver().rolesOf(principal);
    }

    @Override
    public AuditLog audit() {
        return audit;
    }

    private static String versionTarget(String name, int version) {
        Validation.modelName(name);
        Validation.version(name, version);
        return ModelUri.ofVersion(name, version).toString();
    }
}
