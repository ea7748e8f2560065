package io.mlops.api.spi;

import io.mlops.api.governance.AliasChange;
import io.mlops.api.registry.ModelVersionStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * An alias move as core decided it, for the store to apply atomically.
 *
 * <p>The store, in one transaction: checks the alias still points at {@code expectedFrom} (0: does
 * not exist), else {@link io.mlops.api.ConflictException}; when {@code change.toVersion()} is not
 * 0, checks that version exists ({@link io.mlops.api.NotFoundException}) and, when
 * {@code requiredStatus} is present, that its status is that one (ConflictException naming both
 * states); then points (or deletes) the alias, appends {@code change} to the alias history and
 * appends the audit entry. The model's last-updated time becomes {@code change.time()}.
 *
 * @param change         what is recorded in the history; its {@code fromVersion} is {@code expectedFrom}
 * @param requiredStatus the status the target version must have, for protected aliases
 */
public record AliasUpdate(AliasChange change, Optional<ModelVersionStatus> requiredStatus) {

    public AliasUpdate {
        Objects.requireNonNull(change, "change");
        requiredStatus = requiredStatus == null ? Optional.empty() : requiredStatus;
    }

    public int expectedFrom() {
        return change.fromVersion();
    }
}
