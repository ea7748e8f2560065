package io.mlops.api.governance;

import io.mlops.api.InvalidArgumentException;
import java.util.Objects;

/**
 * A role an {@link Role#ADMIN} granted in the metadata store, on top of the {@link RoleMapping}.
 *
 * @param subjectKind whether {@code subject} is a principal name or a directory group
 * @param subject     the principal or group name
 * @param role        the role granted
 * @param grantedBy   the administrator who granted it
 * @param grantTime   epoch milliseconds
 */
public record RoleGrant(SubjectKind subjectKind, String subject, Role role, String grantedBy, long grantTime) {

    /** What a grant names. */
    public enum SubjectKind {
        USER,
        GROUP
    }

    public RoleGrant {
        Objects.requireNonNull(subjectKind, "subjectKind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(grantedBy, "grantedBy");
        if (subject.isBlank()) {
            throw new InvalidArgumentException("role grant subject must not be blank");
        }
    }
}
