package io.mlops.api.spi;

import io.mlops.api.governance.AuditEntry;

/**
 * Core's half of appending to the audit chain: given the position and the hash of the entry
 * before, it returns the complete entry with its hash. The store's half is to call it exactly once
 * per append while holding the chain's head lock, in the same transaction as the change being
 * audited, and to insert what it returns unchanged.
 */
@FunctionalInterface
public interface AuditAppender {

    /**
     * @param seq          the new entry's position: the last entry's plus one, 1 for an empty log
     * @param previousHash the last entry's hash, {@link AuditEntry#GENESIS_HASH} for an empty log
     */
    AuditEntry next(long seq, String previousHash);
}
