package io.mlops.core.internal.governance;

import io.mlops.api.Principal;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.spi.GovernanceStore;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The roles of a principal: the configured mapping's plus the grants stored by administrators.
 * Stored grants are read at most once per {@link #GRANTS_TTL_NANOS} (and at once after a grant or
 * revoke through this instance), so that an operation does not pay a database round trip for its
 * authorization; a change made by another process takes effect within that time.
 */
public final class RoleResolver {

    /** How long stored grants are trusted before being read again. */
    public static final long GRANTS_TTL_NANOS = 5_000_000_000L;

    private final RoleMapping mapping;
    private final GovernanceStore store;
    private final LongSupplier nanoTime;
    private volatile Snapshot grants;

    private record Snapshot(List<RoleGrant> grants, long readAt) {
    }

    public RoleResolver(RoleMapping mapping, GovernanceStore store, LongSupplier nanoTime) {
        this.mapping = mapping;
        this.store = store;
        this.nanoTime = nanoTime;
    }

    public Set<Role> rolesOf(Principal principal) {
        Set<Role> mapped = mapping.rolesOf(principal);
        EnumSet<Role> roles = mapped == null || mapped.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(mapped);
        for (RoleGrant g : grants()) {
            boolean applies = g.subjectKind() == RoleGrant.SubjectKind.USER
                    ? g.subject().equals(principal.name())
                    : principal.groups().contains(g.subject());
            if (applies) {
                roles.add(g.role());
            }
        }
        return roles;
    }

    /** Forgets the cached grants, after this instance changed them. */
    public void invalidate() {
        grants = null;
    }

    private List<RoleGrant> grants() {
        Snapshot current = grants;
        long now = nanoTime.getAsLong();
        if (current == null || now - current.readAt() > GRANTS_TTL_NANOS) {
            current = new Snapshot(store.listRoleGrants(), now);
            grants = current;
        }
        return current.grants();
    }
}
