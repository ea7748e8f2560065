package io.mlops.api.governance;

import java.util.Objects;

/**
 * One record of the append-only audit log. Each entry's {@code hash} is
 * {@code sha256(previousHash || canonical JSON of the entry)}, so altering, removing or reordering
 * any entry breaks every link after it; {@link AuditLog#verify()} finds the first broken one.
 *
 * @param seq          position in the chain, from 1, without gaps
 * @param time         epoch milliseconds
 * @param principal    who attempted the action
 * @param action       what was attempted, for example {@code registry.approve}
 * @param target       what it was attempted on, for example {@code models:/credit-risk/3}
 * @param outcome      whether it was done or refused
 * @param requestId    correlates the entry with the caller's request (the SLF4J MDC key
 *                     {@code requestId} when set, else a random id per operation)
 * @param summary      canonical JSON of what changed ({@code before}/{@code after}) or why it was refused
 * @param previousHash hash of entry {@code seq - 1}, 64 zeros for the first
 * @param hash         this entry's hash, 64 lowercase hex characters
 */
public record AuditEntry(long seq, long time, String principal, String action, String target, AuditOutcome outcome,
        String requestId, String summary, String previousHash, String hash) {

    /** The previous hash of the first entry. */
    public static final String GENESIS_HASH = "0".repeat(64);

    public AuditEntry {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }
}
