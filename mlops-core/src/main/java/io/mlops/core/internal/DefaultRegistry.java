package io.mlops.core.internal;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.ModelUri;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.GoldenSet;
import io.mlops.api.registry.GoldenSetCheck;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.Registry;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.ModelFlavor;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rules of the registry over any {@link io.mlops.api.spi.RegistryStore}. */
final class DefaultRegistry implements Registry {

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    /** How often a move that lost a race with another writer is decided again before giving up. */
    private static final int MAX_ALIAS_ATTEMPTS = 32;

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final Guard guard;
    private final Principal principal;
    private final Clock clock;
    private final Set<String> protectedAliases;

    private final GoldenSets goldenSets;

    DefaultRegistry(MetadataStore store, ArtifactStore artifacts, Guard guard, Set<String> protectedAliases,
            GoldenSets goldenSets) {
        this.goldenSets = goldenSets;
        this.store = store;
        this.artifacts = artifacts;
        this.guard = guard;
        this.principal = guard.principal();
        this.clock = guard.clock();
        this.protectedAliases = Set.copyOf(protectedAliases);
    }

    @Override
    public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
        Validation.modelName(name);
        Validation.description(description);
        Validation.tags(Objects.requireNonNull(tags, "tags"));
        guard.require(Permission.REGISTER, "registry.createModel", modelTarget(name));
        RegisteredModel created = store.createModel(name, description, tags, clock.millis());
        guard.record("registry.createModel", modelTarget(name), Map.of("after", Map.of("description", description,
                "tags", tags)));
        return created;
    }

    @Override
    public RegisteredModel getOrCreateModel(String name) {
        Validation.modelName(name);
        guard.require(Permission.REGISTER, "registry.getOrCreateModel", modelTarget(name));
        return createIfMissing(name);
    }

    private RegisteredModel createIfMissing(String name) {
        Optional<RegisteredModel> existing = store.findModel(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            RegisteredModel created = store.createModel(name, "", Map.of(), clock.millis());
            guard.record("registry.createModel", modelTarget(name), Map.of("after", Map.of("description", "",
                    "tags", Map.of())));
            return created;
        } catch (AlreadyExistsException lostTheRace) {
            return store.findModel(name).orElseThrow(() -> lostTheRace);
        }
    }

    @Override
    public RegisteredModel getModel(String name) {
        guard.require(Permission.READ, "registry.getModel", modelTarget(name));
        return getModelUnchecked(name);
    }

    /** For core's own use after it authorized the caller's operation. */
    RegisteredModel getModelUnchecked(String name) {
        return store.findModel(Validation.modelName(name)).orElseThrow(() -> new NotFoundException("registered model '" + name + "' does not exist"));
    }

    @Override
    public Optional<RegisteredModel> findModel(String name) {
        Validation.modelName(name);
        guard.require(Permission.READ, "registry.findModel", modelTarget(name));
        return store.findModel(name);
    }

    @Override
    public List<RegisteredModel> listModels() {
        guard.require(Permission.READ, "registry.listModels", "models");
        return store.listModels();
    }

    @Override
    public RegisteredModel updateDescription(String name, String description) {
        Validation.modelName(name);
        Validation.description(description);
        guard.require(Permission.REGISTER, "registry.updateDescription", modelTarget(name));
        String before = getModelUnchecked(name).description();
        RegisteredModel updated = store.updateModelDescription(name, description, clock.millis());
        guard.record("registry.updateDescription", modelTarget(name), Map.of("before", Map.of("description", before),
                "after", Map.of("description", description)));
        return updated;
    }

    @Override
    public void setModelTag(String name, String key, String value) {
        Validation.modelName(name);
        Validation.tagValue(Validation.key("tag", key), value);
        guard.require(Permission.REGISTER, "registry.setModelTag", modelTarget(name));
        store.setModelTag(name, key, value, clock.millis());
        guard.record("registry.setModelTag", modelTarget(name), Map.of("after", Map.of(key, value)));
    }

    @Override
    public ModelVersion createVersion(NewModelVersion spec) {
        Objects.requireNonNull(spec, "new model version");
        Validation.modelName(spec.modelName());
        guard.require(Permission.REGISTER, "registry.createVersion", modelTarget(spec.modelName()));
        Validation.description(spec.description());
        Validation.tags(spec.tags());
        ArtifactKeys.validate(spec.artifactKey());
        StoredObject artifact = artifacts.stat(spec.artifactKey()).orElseThrow(() -> new NotFoundException(
                "artifact '" + spec.artifactKey() + "' for model '" + spec.modelName() + "' does not exist in "
                        + artifacts.location() + "; store the model file first"));
        if (spec.runId().isPresent() && store.findRun(spec.runId().get()).isEmpty()) {
            throw new NotFoundException("run '" + spec.runId().get() + "' named as the source of model '"
                    + spec.modelName() + "' does not exist");
        }
        Optional<ModelFlavor> flavor = flavorFor(spec);
        String flavorName = spec.flavor().orElseGet(() -> flavor.map(ModelFlavor::name).orElseThrow(() ->
                new InvalidArgumentException("no model flavor on the class path recognizes artifact '" + spec.artifactKey()
                        + "' (flavors found: " + Providers.flavors().stream().map(ModelFlavor::name).toList()
                        + "); add mlops-onnx for .onnx files or name the flavor explicitly")));
        ModelSignature signature = spec.signature().orElseGet(() -> inspect(flavor, artifact));
        createIfMissing(spec.modelName());
        ModelVersion draft = new ModelVersion(spec.modelName(), 0, spec.runId().orElse(""), artifact.key(),
                artifact.sha256(), artifact.size(), flavorName, signature, spec.description(), spec.tags(),
                ModelVersionStatus.NEW, principal.name(), clock.millis());
        // The entry names the version, whose number only the store knows: it asks for the appender
        // once it has assigned one, and writes version and entry in one transaction.
        ModelVersion created = store.createVersion(draft, !guard.enforced() ? null
                : registered -> guard.appender("registry.createVersion", registered.uri().toString(), Map.of("after",
                        Map.of("status", registered.status().name(), "artifactKey", registered.artifactKey(),
                                "sha256", registered.sha256(), "runId", registered.runId()))));
        LOG.info("registered {} from artifact '{}' (sha256 {}) by {}", created.uri(), created.artifactKey(),
                created.sha256(), created.createdBy());
        return created;
    }

    private Optional<ModelFlavor> flavorFor(NewModelVersion spec) {
        if (spec.flavor().isPresent()) {
            return Providers.flavor(spec.flavor().get());
        }
        return Providers.flavors().stream().filter(f -> f.recognizes(spec.artifactKey())).findFirst();
    }

    private ModelSignature inspect(Optional<ModelFlavor> flavor, StoredObject artifact) {
        if (flavor.isEmpty()) {
            LOG.warn("no flavor on the class path can read '{}'; registering it without a signature", artifact.key());
            return ModelSignature.EMPTY;
        }
        try (InputStream in = artifacts.open(artifact.key())) {
            return flavor.get().inspect(in.readAllBytes());
        } catch (IOException e) {
            throw new MlopsException("cannot read artifact '" + artifact.key() + "' to read its signature: " + e, e);
        }
    }

    @Override
    public ModelVersion getVersion(String name, int version) {
        Validation.modelName(name);
        Validation.version(name, version);
        guard.require(Permission.READ, "registry.getVersion", ModelUri.ofVersion(name, version).toString());
        return version(name, version);
    }

    /** For core's own use after it authorized the caller's operation. */
    ModelVersion version(String name, int version) {
        Validation.modelName(name);
        Validation.version(name, version);
        return store.findVersion(name, version).orElseThrow(() -> versionNotFound(name, version));
    }

    private NotFoundException versionNotFound(String name, int version) {
        RegisteredModel model = getModelUnchecked(name);
        return new NotFoundException("version " + version + " of model '" + name + "' does not exist; "
                + (model.latestVersion() == 0 ? "it has no versions yet" : "it has versions 1.." + model.latestVersion()));
    }

    @Override
    public List<ModelVersion> listVersions(String name) {
        guard.require(Permission.READ, "registry.listVersions", modelTarget(name));
        getModelUnchecked(name);
        return store.listVersions(name);
    }

    @Override
    public void setVersionTag(String name, int version, String key, String value) {
        Validation.tagValue(Validation.key("tag", key), value);
        if (key.startsWith(GoldenSets.TAG_PREFIX)) {
            throw new InvalidArgumentException("version tag '" + key + "' is reserved: golden sets are attached with"
                    + " attachGoldenSet and checked with governance().checkGoldenSet");
        }
        if (key.startsWith(DefaultMonitoring.TAG_PREFIX)) {
            throw new InvalidArgumentException("version tag '" + key + "' is reserved: baselines are attached with"
                    + " monitoring().attachBaseline");
        }
        Validation.modelName(name);
        Validation.version(name, version);
        String target = ModelUri.ofVersion(name, version).toString();
        guard.require(Permission.REGISTER, "registry.setVersionTag", target);
        version(name, version);
        store.setVersionTag(name, version, key, value);
        guard.record("registry.setVersionTag", target, Map.of("after", Map.of(key, value)));
    }

    @Override
    public ModelVersion attachGoldenSet(String name, int version, GoldenSet goldenSet) {
        Validation.modelName(name);
        Validation.version(name, version);
        Objects.requireNonNull(goldenSet, "golden set");
        String target = ModelUri.ofVersion(name, version).toString();
        guard.require(Permission.REGISTER, "registry.attachGoldenSet", target);
        ModelVersion v = version(name, version);
        PinnedEvidence.requireNew(v, "a golden set");
        Map<String, String> tags = goldenSets.store(v, goldenSet);
        tags.forEach((key, value) -> store.setVersionTag(name, version, key, value));
        guard.record("registry.attachGoldenSet", target, Map.of("after", tags));
        return version(name, version);
    }

    @Override
    public Optional<GoldenSet> goldenSet(String name, int version) {
        Validation.modelName(name);
        Validation.version(name, version);
        guard.require(Permission.READ, "registry.goldenSet", ModelUri.ofVersion(name, version).toString());
        return goldenSets.load(version(name, version));
    }

    /** Scores {@code v} on its golden set, if it has one, and records the outcome. Authorization is the caller's. */
    Optional<GoldenSetCheck> checkGoldenSet(ModelVersion v) {
        Optional<GoldenSet> set = goldenSets.load(v);
        if (set.isEmpty()) {
            return Optional.empty();
        }
        GoldenSetCheck check = goldenSets.check(v, set.get(), principal.name(), clock.millis());
        store.setVersionTag(v.name(), v.version(), GoldenSets.TAG_LAST_CHECK, check.summary() + " by " + check.checkedBy()
                + " at " + java.time.Instant.ofEpochMilli(check.checkedAt()));
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("passed", check.passed());
        after.put("cases", check.cases());
        after.put("failedCases", check.failedCases());
        after.put("maxDifference", check.maxDifference());
        after.put("tolerance", check.tolerance());
        after.put("failures", check.failures());
        guard.record("governance.checkGoldenSet", v.uri().toString(), Map.of("after", after));
        return Optional.of(check);
    }

    @Override
    public void setAlias(String name, String alias, int version) {
        Validation.modelName(name);
        Validation.alias(alias);
        Validation.version(name, version);
        changeAlias(name, alias, version, AliasAction.SET, "");
    }

    @Override
    public boolean deleteAlias(String name, String alias) {
        Validation.modelName(name);
        Validation.alias(alias);
        return changeAlias(name, alias, 0, AliasAction.DELETE, "") != null;
    }

    /**
     * Points, moves or deletes an alias (toVersion 0 deletes), under the protected-alias rule, with
     * its history and audit entry written in the same step.
     *
     * @return the recorded change; null when asked to delete an alias that does not exist
     */
    AliasChange changeAlias(String name, String alias, int toVersion, AliasAction action, String rationale) {
        boolean isProtected = protectedAliases.contains(alias);
        String target = ModelUri.ofAlias(name, alias).toString();
        String actionName = switch (action) {
            case SET -> "registry.setAlias";
            case DELETE -> "registry.deleteAlias";
            case ROLLBACK -> "governance.rollback";
        };
        guard.require(isProtected ? Permission.SET_PROTECTED_ALIAS : Permission.SET_ALIAS, actionName, target);
        boolean governed = isProtected && guard.enforced();
        boolean goldenChecked = false;
        for (int attempt = 1; ; attempt++) {
            int from = getModelUnchecked(name).aliases().getOrDefault(alias, 0);
            if (toVersion != 0) {
                ModelVersion v = version(name, toVersion);
                if (governed && v.status() != ModelVersionStatus.APPROVED) {
                    throw guard.deny(actionName, target, "protected alias '" + alias + "' may point only at an APPROVED"
                            + " version, but " + v.uri() + " is " + v.status() + "; have it approved first");
                }
                if (governed && !goldenChecked && from != toVersion) {
                    // Known data with known results, on the exact bytes that will be served, before they are
                    // (rollbacks included); once per call, on the first attempt that would move the alias.
                    goldenChecked = true;
                    Optional<GoldenSetCheck> check = checkGoldenSet(v);
                    if (check.isPresent() && !check.get().passed()) {
                        throw guard.deny(actionName, target, "protected alias '" + alias + "' may not point at " + v.uri()
                                + ": its golden set " + check.get().summary() + "; " + check.get().failures());
                    }
                }
            }
            if (action == AliasAction.DELETE && from == 0) {
                return null;
            }
            AliasChange change = new AliasChange(name, alias, from, toVersion, action, guard.principal().name(),
                    guard.clock().millis(), rationale);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("before", from == 0 ? Map.of() : Map.of("version", from));
            summary.put("after", toVersion == 0 ? Map.of() : Map.of("version", toVersion));
            if (!change.rationale().isEmpty()) {
                summary.put("rationale", change.rationale());
            }
            try {
                store.changeAlias(new AliasUpdate(change, governed ? Optional.of(ModelVersionStatus.APPROVED)
                        : Optional.empty()), guard.appender(actionName, target, summary));
            } catch (ConflictException movedMeanwhile) {
                // Another writer moved the alias (or changed the target's state) between our read and
                // the store's check. The caller asked for an end state, so decide again from the new one.
                if (attempt < MAX_ALIAS_ATTEMPTS) {
                    pauseBeforeRetry(attempt, movedMeanwhile);
                    continue;
                }
                throw movedMeanwhile;
            }
            LOG.info("alias {}@{} {} {} -> {} by {}", name, alias, action.name().toLowerCase(Locale.ROOT), from,
                    toVersion, guard.principal().name());
            return change;
        }
    }

    @Override
    public ModelVersion resolve(ModelUri uri) {
        Objects.requireNonNull(uri, "model uri");
        Validation.modelName(uri.name());
        guard.require(Permission.READ, "registry.resolve", uri.toString());
        return resolveUnchecked(uri);
    }

    /** For core's own use after it authorized the caller's operation. */
    ModelVersion resolveUnchecked(ModelUri uri) {
        String name = Validation.modelName(uri.name());
        if (uri.isAlias()) {
            String alias = Validation.alias(uri.alias().orElseThrow());
            RegisteredModel model = getModelUnchecked(name);
            Integer version = model.aliases().get(alias);
            if (version == null) {
                throw new NotFoundException("alias '" + alias + "' of model '" + name + "' does not exist; its aliases are "
                        + (model.aliases().isEmpty() ? "none" : model.aliases().toString()));
            }
            return version(name, version);
        }
        return version(name, uri.version().orElseThrow());
    }

    /** Jittered, so that writers that collided do not collide again in lock step. */
    private static void pauseBeforeRetry(int attempt, ConflictException cause) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(0, Math.min(attempt, 10) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    /** The aliases that may point only at APPROVED versions. */
    Set<String> protectedAliases() {
        return protectedAliases;
    }

    boolean isProtected(String alias) {
        return protectedAliases.contains(alias);
    }

    private static String modelTarget(String name) {
        return "models:/" + name;
    }
}
