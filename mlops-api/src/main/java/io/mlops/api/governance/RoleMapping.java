package io.mlops.api.governance;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.Principal;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which roles a principal holds, from its name and its directory groups. Pluggable: an
 * application backed by Active Directory maps its groups here; the default is a static mapping.
 * Roles an {@link Role#ADMIN} grants through {@link Governance#grantRole} are added to whatever
 * the mapping says.
 *
 * <pre>{@code
 * RoleMapping roles = RoleMapping.builder()
 *         .group("CN=risk-model-developers,OU=Groups,DC=bank", Role.DATA_SCIENTIST)
 *         .group("CN=model-validation,OU=Groups,DC=bank", Role.VALIDATOR)
 *         .user("svc-credit-risk", Role.VIEWER)
 *         .build();
 * Mlops mlops = Mlops.builder().metadata(url).roles(roles).principal(alice).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe and fast: the SDK asks once per operation (never per
 * scored row).
 */
@FunctionalInterface
public interface RoleMapping {

    /** The roles {@code principal} holds; empty when it holds none. Never null. */
    Set<Role> rolesOf(Principal principal);

    /**
     * The mapping {@code Mlops.local()} and a builder without {@code roles(…)} use: every principal
     * is a {@link Role#DATA_SCIENTIST} and an {@link Role#ML_ENGINEER}, so one analyst can track,
     * register and try models at once, while approving, protected aliases and role changes need a
     * mapping that names validators and administrators.
     */
    static RoleMapping defaults() {
        return builder().everyone(Role.DATA_SCIENTIST, Role.ML_ENGINEER).build();
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a static mapping: users by principal name, groups by exact group name, and the roles
     * every principal holds. Principals it does not name hold only the {@code everyone} roles
     * (none unless set). Not thread-safe; the mapping it builds is immutable.
     */
    final class Builder {
        private final Map<String, Set<Role>> users = new HashMap<>();
        private final Map<String, Set<Role>> groups = new HashMap<>();
        private final Set<Role> everyone = EnumSet.noneOf(Role.class);

        private Builder() {
        }

        /** Gives the principal named {@code name} these roles (added to any given before). */
        public Builder user(String name, Role... roles) {
            add(users, "user", name, roles);
            return this;
        }

        /** Gives every member of directory group {@code group} these roles. */
        public Builder group(String group, Role... roles) {
            add(groups, "group", group, roles);
            return this;
        }

        /** Gives every principal these roles. */
        public Builder everyone(Role... roles) {
            everyone.addAll(checked("everyone", roles));
            return this;
        }

        public RoleMapping build() {
            return new StaticRoleMapping(users, groups, everyone);
        }

        private static void add(Map<String, Set<Role>> target, String kind, String name, Role... roles) {
            Objects.requireNonNull(name, kind + " name");
            if (name.isBlank()) {
                throw new InvalidArgumentException(kind + " name must not be blank");
            }
            target.computeIfAbsent(name, n -> EnumSet.noneOf(Role.class)).addAll(checked(kind + " '" + name + "'", roles));
        }

        private static Set<Role> checked(String subject, Role... roles) {
            Objects.requireNonNull(roles, "roles");
            if (roles.length == 0 || Arrays.asList(roles).contains(null)) {
                throw new InvalidArgumentException("roles for " + subject + " must be one or more of "
                        + Arrays.toString(Role.values()) + ", got " + Arrays.toString(roles));
            }
            return EnumSet.copyOf(Arrays.asList(roles));
        }
    }

    /** The immutable result of {@link Builder#build()}. */
    final class StaticRoleMapping implements RoleMapping {
        private final Map<String, Set<Role>> users;
        private final Map<String, Set<Role>> groups;
        private final Set<Role> everyone;

        private StaticRoleMapping(Map<String, Set<Role>> users, Map<String, Set<Role>> groups, Set<Role> everyone) {
            this.users = frozen(users);
            this.groups = frozen(groups);
            this.everyone = everyone.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(everyone));
        }

        private static Map<String, Set<Role>> frozen(Map<String, Set<Role>> source) {
            Map<String, Set<Role>> copy = new HashMap<>();
            source.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(EnumSet.copyOf(v))));
            return Map.copyOf(copy);
        }

        @Override
        public Set<Role> rolesOf(Principal principal) {
            Objects.requireNonNull(principal, "principal");
            EnumSet<Role> roles = everyone.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(everyone);
            roles.addAll(users.getOrDefault(principal.name(), Set.of()));
            for (String group : principal.groups()) {
                roles.addAll(groups.getOrDefault(group, Set.of()));
            }
            return roles;
        }

        @Override
        public String toString() {
            return "RoleMapping[users=" + users + ", groups=" + groups + ", everyone=" + everyone + "]";
        }
    }
}
