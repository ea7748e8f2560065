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
 *
 * <p>Registering a version is the one registry change that takes its audit entry with it
 * ({@link #createVersion(ModelVersion, VersionAudit)}): a registration is what approvals, aliases
 * and deployments later refer to, so a version must never exist without the entry that says who
 * registered it, which a separate {@link GovernanceStore#appendAudit} after the commit could not
 * guarantee (a crash in between would lose it), and one commit instead of two also halves the
 * cost of a registration on a database.
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
     * Stores {@code draft} as the model's next version, with its audit entry, in one atomic step.
     * The number in the draft is ignored: the store assigns {@code latestVersion + 1} atomically, so
     * concurrent callers get consecutive numbers.
     *
     * <p>When {@code audit} is not null, the store, after assigning the number and in the same
     * transaction, calls {@link VersionAudit#appenderFor} exactly once with the version as it will
     * be returned, and appends the entry of the {@link AuditAppender} it gets exactly as the
     * {@link GovernanceStore} methods do: holding the audit chain's head lock, calling the appender
     * once with the next position, storing what it returns unchanged. If anything fails, including
     * {@code audit} or the appender throwing, neither the version nor the entry is stored and the
     * model's {@code latestVersion} is unchanged.
     *
     * @param audit how to audit the registration, or null to store the version without an audit
     *              entry (governance is off)
     * @return the stored version with its number
     * @throws io.mlops.api.NotFoundException if the model does not exist
     */
    ModelVersion createVersion(ModelVersion draft, VersionAudit audit);

    Optional<ModelVersion> findVersion(String name, int version);

    /** By version number. */
    List<ModelVersion> listVersions(String name);

    /** The versions registered from one run, in any model, by model name then version; empty if none. */
    List<ModelVersion> listVersionsByRun(String runId);

    void setVersionTag(String name, int version, String key, String value);

    /**
     * Core's half of auditing a registration. It is separate from {@link AuditAppender} because the
     * entry names the version ({@code models:/name/3}), whose number only the store knows once it has
     * assigned it inside the transaction; so core hands over a factory and the store asks it for the
     * appender when the number is known.
     */
    @FunctionalInterface
    interface VersionAudit {

        /**
         * Called once per registration, inside the store's transaction, after the number is
         * assigned and before the entry is appended; an exception it throws aborts the registration.
         *
         * @param created the version as {@link #createVersion} will return it, with its number
         * @return the appender for the registration's audit entry, never null
         */
        AuditAppender appenderFor(ModelVersion created);
    }
}
