package io.mlops.api.governance;

import io.mlops.api.registry.ModelVersionStatus;
import java.util.Objects;

/**
 * One recorded change of a version's approval state.
 *
 * @param name      the registered model
 * @param version   the version number
 * @param from      the state before
 * @param to        the state after
 * @param principal who made the change
 * @param time      epoch milliseconds
 * @param rationale why, as the principal wrote it; never blank
 */
public record StatusTransition(String name, int version, ModelVersionStatus from, ModelVersionStatus to,
        String principal, long time, String rationale) {

    public StatusTransition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(rationale, "rationale");
    }
}
