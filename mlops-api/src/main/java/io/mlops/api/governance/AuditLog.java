package io.mlops.api.governance;

import java.util.List;

/**
 * The tamper-evident record of every change and every refused attempt. Reading, verifying and
 * anchoring need {@link Role#VALIDATOR} or {@link Role#ADMIN}.
 *
 * <pre>{@code
 * AuditLog audit = mlops.governance().audit();
 * AuditAnchor anchor = audit.anchor("audit/anchors/2026-11-23.json"); // head, kept as an artifact
 * ...
 * AuditVerification check = audit.verify(audit.readAnchor("audit/anchors/2026-11-23.json"));
 * if (!check.intact()) {
 *     alert("audit log broken at entry " + check.firstBrokenSeq() + ": " + check.problem());
 * }
 * }</pre>
 */
public interface AuditLog {

    /** Up to {@code limit} entries from position {@code fromSeq} on, in chain order. */
    List<AuditEntry> entries(long fromSeq, int limit);

    /** The current head of the chain. */
    AuditAnchor head();

    /**
     * Walks the whole chain and reports the first entry whose hash, link or position is wrong.
     * Detects altered, deleted, inserted and swapped entries; a cut tail needs {@link #verify(AuditAnchor)}.
     */
    AuditVerification verify();

    /**
     * Like {@link #verify()}, and also checks that the entry at the anchor's position still has
     * the anchored hash, which catches entries removed from the end after the anchor was taken.
     */
    AuditVerification verify(AuditAnchor anchor);

    /** Takes the head and writes it as JSON to the artifact store under {@code artifactKey}. */
    AuditAnchor anchor(String artifactKey);

    /** Reads an anchor written by {@link #anchor(String)}. */
    AuditAnchor readAnchor(String artifactKey);
}
