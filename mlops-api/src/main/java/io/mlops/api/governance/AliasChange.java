package io.mlops.api.governance;

import java.util.Objects;

/**
 * One recorded move of an alias: who pointed which alias from which version to which, and when.
 *
 * @param name        the registered model
 * @param alias       the alias
 * @param fromVersion the version it pointed at before; 0 when it did not exist
 * @param toVersion   the version it points at after; 0 when it was deleted
 * @param action      set, delete or rollback
 * @param principal   who moved it
 * @param time        epoch milliseconds
 * @param rationale   why; empty when none was given (required for protected aliases)
 */
public record AliasChange(String name, String alias, int fromVersion, int toVersion, AliasAction action,
        String principal, long time, String rationale) {

    /** How an alias changed. */
    public enum AliasAction {
        SET,
        DELETE,
        ROLLBACK
    }

    public AliasChange {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(principal, "principal");
        rationale = rationale == null ? "" : rationale;
    }
}
