package io.mlops.core.internal;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.ModelUri;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.Registry;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.ModelFlavor;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rules of the registry over any {@link io.mlops.api.spi.RegistryStore}. */
final class DefaultRegistry implements Registry {

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final Principal principal;
    private final Clock clock;

    DefaultRegistry(MetadataStore store, ArtifactStore artifacts, Principal principal, Clock clock) {
        this.store = store;
        this.artifacts = artifacts;
        this.principal = principal;
        this.clock = clock;
    }

    @Override
    public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
        Validation.modelName(name);
        Validation.description(description);
        Validation.tags(Objects.requireNonNull(tags, "tags"));
        return store.createModel(name, description, tags, clock.millis());
    }

    @Override
    public RegisteredModel getOrCreateModel(String name) {
        Validation.modelName(name);
        Optional<RegisteredModel> existing = store.findModel(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return store.createModel(name, "", Map.of(), clock.millis());
        } catch (AlreadyExistsException lostTheRace) {
            return store.findModel(name).orElseThrow(() -> lostTheRace);
        }
    }

    @Override
    public RegisteredModel getModel(String name) {
        return findModel(name).orElseThrow(() -> new NotFoundException("registered model '" + name + "' does not exist"));
    }

    @Override
    public Optional<RegisteredModel> findModel(String name) {
        return store.findModel(Validation.modelName(name));
    }

    @Override
    public List<RegisteredModel> listModels() {
        return store.listModels();
    }

    @Override
    public RegisteredModel updateDescription(String name, String description) {
        Validation.modelName(name);
        Validation.description(description);
        return store.updateModelDescription(name, description, clock.millis());
    }

    @Override
    public void setModelTag(String name, String key, String value) {
        Validation.modelName(name);
        Validation.tagValue(Validation.key("tag", key), value);
        store.setModelTag(name, key, value, clock.millis());
    }

    @Override
    public ModelVersion createVersion(NewModelVersion spec) {
        Objects.requireNonNull(spec, "new model version");
        Validation.modelName(spec.modelName());
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
        getOrCreateModel(spec.modelName());
        ModelVersion draft = new ModelVersion(spec.modelName(), 0, spec.runId().orElse(""), artifact.key(),
                artifact.sha256(), artifact.size(), flavorName, signature, spec.description(), spec.tags(),
                ModelVersionStatus.NEW, principal.name(), clock.millis());
        ModelVersion created = store.createVersion(draft);
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
        return store.findVersion(name, version).orElseThrow(() -> versionNotFound(name, version));
    }

    private NotFoundException versionNotFound(String name, int version) {
        RegisteredModel model = getModel(name);
        return new NotFoundException("version " + version + " of model '" + name + "' does not exist; "
                + (model.latestVersion() == 0 ? "it has no versions yet" : "it has versions 1.." + model.latestVersion()));
    }

    @Override
    public List<ModelVersion> listVersions(String name) {
        getModel(name);
        return store.listVersions(name);
    }

    @Override
    public void setVersionTag(String name, int version, String key, String value) {
        Validation.tagValue(Validation.key("tag", key), value);
        getVersion(name, version);
        store.setVersionTag(name, version, key, value);
    }

    @Override
    public void setAlias(String name, String alias, int version) {
        Validation.modelName(name);
        Validation.alias(alias);
        Validation.version(name, version);
        getVersion(name, version);
        store.setAlias(name, alias, version, clock.millis());
        LOG.info("alias {}@{} now points at version {} (set by {})", name, alias, version, principal.name());
    }

    @Override
    public boolean deleteAlias(String name, String alias) {
        Validation.modelName(name);
        Validation.alias(alias);
        return store.deleteAlias(name, alias, clock.millis());
    }

    @Override
    public ModelVersion resolve(ModelUri uri) {
        Objects.requireNonNull(uri, "model uri");
        String name = Validation.modelName(uri.name());
        if (uri.isAlias()) {
            String alias = Validation.alias(uri.alias().orElseThrow());
            RegisteredModel model = getModel(name);
            Integer version = model.aliases().get(alias);
            if (version == null) {
                throw new NotFoundException("alias '" + alias + "' of model '" + name + "' does not exist; its aliases are "
                        + (model.aliases().isEmpty() ? "none" : model.aliases().toString()));
            }
            return getVersion(name, version);
        }
        return getVersion(name, uri.version().orElseThrow());
    }
}
