package io.mlops.api.spi;

import io.mlops.api.registry.ModelVersionStatus;
import java.util.Objects;
import java.util.Set;

/**
 * A version state change as core decided it, for the store to apply atomically.
 *
 * <p>The store, in one transaction: checks the version's status is still {@code from} (else
 * {@link io.mlops.api.ConflictException}, nothing written); when {@code to} is ARCHIVED, checks no
 * alias in {@code blockingAliases} points at the version (else ConflictException naming it);
 * sets the status; records {@code principal} as the requester when {@code to} is
 * PENDING_APPROVAL and as the decider when it is APPROVED or REJECTED (a database constraint
 * refuses a decider equal to the creator or the requester); appends the transition to the
 * version's history; appends the audit entry.
 *
 * @param blockingAliases aliases that may not point at a version being archived
 */
public record StatusChange(String name, int version, ModelVersionStatus from, ModelVersionStatus to,
        String principal, long time, String rationale, Set<String> blockingAliases) {

    public StatusChange {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(rationale, "rationale");
        blockingAliases = blockingAliases == null ? Set.of() : Set.copyOf(blockingAliases);
    }
}
