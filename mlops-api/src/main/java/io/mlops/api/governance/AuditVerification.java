package io.mlops.api.governance;

import java.util.Objects;

/**
 * The result of walking the audit chain.
 *
 * @param intact         whether every link holds (and the anchor, when one was given, is in the chain)
 * @param entriesChecked how many entries were read
 * @param firstBrokenSeq the position of the first entry that fails, 0 when intact
 * @param problem        what is wrong with it, in words; empty when intact
 */
public record AuditVerification(boolean intact, long entriesChecked, long firstBrokenSeq, String problem) {

    public AuditVerification {
        Objects.requireNonNull(problem, "problem");
    }

    public static AuditVerification ok(long entriesChecked) {
        return new AuditVerification(true, entriesChecked, 0, "");
    }

    public static AuditVerification broken(long entriesChecked, long firstBrokenSeq, String problem) {
        return new AuditVerification(false, entriesChecked, firstBrokenSeq, problem);
    }
}
