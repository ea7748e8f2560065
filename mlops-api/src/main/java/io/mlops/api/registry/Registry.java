package io.mlops.api.registry;

import io.mlops.api.ModelUri;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model registry: registered models, their numbered versions and movable aliases. Obtained
 * from {@code Mlops.registry()}; thread-safe, and safe for many processes sharing one store.
 *
 * <pre>{@code
 * ModelVersion v = registry.createVersion(NewModelVersion.builder("credit-risk", key).runId(runId).build());
 * registry.setAlias("credit-risk", "champion", v.version());
 * ModelVersion served = registry.resolve("models:/credit-risk@champion");
 * }</pre>
 *
 * <h2>Names</h2>
 * Model names: 1–128 characters, a letter or digit first, then letters, digits, {@code . _ -}.
 * Aliases: 1–64 characters, a lowercase letter first, then lowercase letters, digits, {@code _ -};
 * not {@code latest} and not of the form {@code v<digits>}, which would read as versions.
 */
public interface Registry {

    RegisteredModel createModel(String name, String description, Map<String, String> tags);

    /** The model of that name, created without description or tags if missing (safe under concurrency). */
    RegisteredModel getOrCreateModel(String name);

    /** @throws io.mlops.api.NotFoundException if there is no such model */
    RegisteredModel getModel(String name);

    Optional<RegisteredModel> findModel(String name);

    /** All registered models, by name. */
    List<RegisteredModel> listModels();

    RegisteredModel updateDescription(String name, String description);

    void setModelTag(String name, String key, String value);

    /**
     * Registers the next version of a model (creating the model if missing). The artifact must
     * exist; its sha256 and size are recorded from the artifact store. Concurrent callers get
     * consecutive numbers with no gaps or duplicates.
     */
    ModelVersion createVersion(NewModelVersion spec);

    /** @throws io.mlops.api.NotFoundException if there is no such model or version */
    ModelVersion getVersion(String name, int version);

    /** The versions of a model, by number. */
    List<ModelVersion> listVersions(String name);

    void setVersionTag(String name, int version, String key, String value);

    /**
     * Attaches known inputs with their expected outputs to a version. The set is stored in the
     * artifact store and pinned on the version by its sha256 (tags {@code mlops.golden.*}, which
     * cannot be set directly). Once attached, a protected alias moves to the version only if the
     * version reproduces the set in-process. Allowed while the version is NEW: the evidence a
     * validator reviews does not change under them.
     *
     * @return the version with its golden-set tags
     * @throws io.mlops.api.ConflictException if the version is no longer NEW
     */
    ModelVersion attachGoldenSet(String name, int version, GoldenSet goldenSet);

    /** The golden set of a version, checked against its pinned sha256; empty when none is attached. */
    java.util.Optional<GoldenSet> goldenSet(String name, int version);

    /** Points {@code alias} at {@code version}, moving it if it pointed elsewhere. */
    void setAlias(String name, String alias, int version);

    /** Removes an alias; returns whether it existed. */
    boolean deleteAlias(String name, String alias);

    /** The version a URI names, following an alias to its current version. */
    ModelVersion resolve(ModelUri uri);

    /** Parses and resolves {@code models:/name/3} or {@code models:/name@alias}. */
    default ModelVersion resolve(String uri) {
        return resolve(ModelUri.parse(uri));
    }
}
