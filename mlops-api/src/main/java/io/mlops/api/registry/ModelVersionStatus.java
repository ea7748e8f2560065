package io.mlops.api.registry;

/**
 * Approval state of a model version. A version starts {@link #NEW}; with governance on, protected
 * aliases such as {@code champion} may only point at {@link #APPROVED} versions.
 */
public enum ModelVersionStatus {
    NEW,
    PENDING_APPROVAL,
    APPROVED,
    REJECTED,
    ARCHIVED
}
