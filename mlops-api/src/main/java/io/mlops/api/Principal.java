package io.mlops.api;

import java.util.Objects;
import java.util.Set;

/**
 * Who performs an operation: a user or service account name and the directory groups it belongs
 * to. Every mutation is recorded with its principal.
 *
 * <pre>{@code
 * Principal alice = Principal.of("alice", Set.of("risk-validators"));
 * Principal me = Principal.currentUser(); // the operating-system user running the JVM
 * }</pre>
 *
 * @param name   non-blank identifier, as it appears in audit records
 * @param groups directory groups (for example Active Directory groups); never null, may be empty
 */
public record Principal(String name, Set<String> groups) {

    public Principal {
        Objects.requireNonNull(name, "principal name");
        if (name.isBlank()) {
            throw new InvalidArgumentException("principal name must not be blank");
        }
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }

    public static Principal of(String name) {
        return new Principal(name, Set.of());
    }

    public static Principal of(String name, Set<String> groups) {
        return new Principal(name, groups);
    }

    /** The operating-system user running this JVM ({@code user.name}), with no groups. */
    public static Principal currentUser() {
        String user = System.getProperty("user.name");
        return of(user == null || user.isBlank() ? "unknown" : user);
    }
}
