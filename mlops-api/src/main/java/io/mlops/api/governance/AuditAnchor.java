package io.mlops.api.governance;

import io.mlops.api.InvalidArgumentException;
import java.util.Objects;

/**
 * The head of the audit chain at one moment, to keep outside the database (an artifact, a ticket,
 * a signed e-mail). Verifying against it also detects entries cut from the end of the log, which
 * the chain alone cannot show.
 *
 * @param seq        the last entry's position; 0 for an empty log
 * @param hash       the last entry's hash ({@link AuditEntry#GENESIS_HASH} for an empty log)
 * @param anchorTime epoch milliseconds when the anchor was taken
 */
public record AuditAnchor(long seq, String hash, long anchorTime) {

    public AuditAnchor {
        Objects.requireNonNull(hash, "hash");
        if (seq < 0) {
            throw new InvalidArgumentException("anchor seq must be 0 or more, got " + seq);
        }
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new InvalidArgumentException("anchor hash must be 64 lowercase hex characters, got '" + hash + "'");
        }
        if (seq == 0 && !hash.equals(AuditEntry.GENESIS_HASH)) {
            throw new InvalidArgumentException("an anchor of the empty log (seq 0) has hash " + AuditEntry.GENESIS_HASH
                    + ", got '" + hash + "'");
        }
    }
}
