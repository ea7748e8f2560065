package io.mlops.api.spi;

import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.RegisteredModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persistence of registered models and versions (aliases move through
 * {@link GovernanceStore#changeAlias}, which keeps their history). Values arrive validated; methods must be
 * atomic and thread-safe across processes. Missing models or versions raise
 * {@link io.mlops.api.NotFoundException}.
 */
public interface RegistryStore {

    /** @throws io.mlops.api.AlreadyExistsException if the name is taken */
    RegisteredModel createModel(String name, String description, Map<String, String> tags, long creationTime);

    Optional<RegisteredModel> findModel(String name);

    /** By name. */
    List<RegisteredModel> listModels();

    RegisteredModel updateModelDescription(String name, String description, long updateTime);

    void setModelTag(String name, String key, String value, long updateTime);

    /**
     * Stores {@code draft} as the model's next version. The number in the draft is ignored: the store
     * assigns {@code latestVersion + 1} atomically, so concurrent callers get consecutive numbers.
     *
     * @return the stored version with its number
     * @throws io.mlops.api.NotFoundException if the model does not exist
     */
    ModelVersion createVersion(ModelVersion draft);

    Optional<ModelVersion> findVersion(String name, int version);

    /** By version number. */
    List<ModelVersion> listVersions(String name);

    void setVersionTag(String name, int version, String key, String value);
}
