package io.mlops.api.governance;

/** How an audited attempt ended. */
public enum AuditOutcome {
    /** The change was made. */
    SUCCEEDED,
    /** Refused by authorization or the four-eyes rule; nothing changed. */
    DENIED,
    /** Allowed, but refused by a safety check, for example an artifact whose sha256 no longer matches. */
    FAILED
}
