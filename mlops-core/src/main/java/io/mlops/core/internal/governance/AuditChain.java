package io.mlops.core.internal.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlops.api.governance.AuditAnchor;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.AuditVerification;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.GovernanceStore;
import io.mlops.core.internal.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the audit chain is hashed and checked: {@code hash = sha256(previousHash || canonicalJson)}
 * where the canonical JSON of an entry holds every field but the two hashes, keys sorted, no
 * white space. Written once here so every store and every verifier agrees on it.
 */
public final class AuditChain {

    /**
     * Summaries are canonical too, so that equal changes hash equally whatever map type built them.
     * Deliberately not the storage mapper: the hash format must not move when storage formats do.
     */
    static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static final int PAGE = 1_000;

    private AuditChain() {
    }

    /** The appender that seals one entry at whatever position the store gives it. */
    public static AuditAppender appender(long time, String principal, String action, String target,
            AuditOutcome outcome, String requestId, Map<String, ?> summary) {
        String summaryJson = canonicalJson(summary);
        return (seq, previousHash) -> seal(seq, time, principal, action, target, outcome, requestId, summaryJson,
                previousHash);
    }

    static AuditEntry seal(long seq, long time, String principal, String action, String target, AuditOutcome outcome,
            String requestId, String summary, String previousHash) {
        String hash = hash(seq, time, principal, action, target, outcome, requestId, summary, previousHash);
        return new AuditEntry(seq, time, principal, action, target, outcome, requestId, summary, previousHash, hash);
    }

    /** The hash an entry should carry, computed from its fields. */
    public static String expectedHash(AuditEntry e) {
        return hash(e.seq(), e.time(), e.principal(), e.action(), e.target(), e.outcome(), e.requestId(), e.summary(),
                e.previousHash());
    }

    private static String hash(long seq, long time, String principal, String action, String target,
            AuditOutcome outcome, String requestId, String summary, String previousHash) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("seq", seq);
        fields.put("time", time);
        fields.put("principal", principal);
        fields.put("action", action);
        fields.put("target", target);
        fields.put("outcome", outcome.name());
        fields.put("requestId", requestId);
        fields.put("summary", summary);
        MessageDigest sha256 = Digests.sha256();
        sha256.update(previousHash.getBytes(StandardCharsets.US_ASCII));
        sha256.update(canonicalJson(fields).getBytes(StandardCharsets.UTF_8));
        return Digests.hex(sha256);
    }

    static String canonicalJson(Map<String, ?> value) {
        try {
            return CANONICAL.writeValueAsString(value == null ? Map.of() : value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit summary cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Walks the chain from the first entry. With an anchor, the entry at the anchor's position must
     * still carry the anchored hash.
     */
    public static AuditVerification verify(GovernanceStore store, AuditAnchor anchor) {
        long expectedSeq = 1;
        String previousHash = AuditEntry.GENESIS_HASH;
        long checked = 0;
        boolean anchorSeen = anchor == null || anchor.seq() == 0;
        while (true) {
            List<AuditEntry> page = store.readAudit(expectedSeq, PAGE);
            for (AuditEntry e : page) {
                checked++;
                if (e.seq() != expectedSeq) {
                    return AuditVerification.broken(checked, expectedSeq, e.seq() > expectedSeq
                            ? (e.seq() - 1 > expectedSeq ? "entries " + expectedSeq + ".." + (e.seq() - 1) + " are"
                                    : "entry " + expectedSeq + " is") + " missing: the next stored entry has seq " + e.seq()
                            : "entry with seq " + e.seq() + " appears where seq " + expectedSeq + " should be");
                }
                if (!e.previousHash().equals(previousHash)) {
                    return AuditVerification.broken(checked, e.seq(), "entry " + e.seq() + " links to previous hash "
                            + e.previousHash() + " but entry " + (e.seq() - 1) + " has hash " + previousHash
                            + " (this entry or the one before it was altered, removed or reordered)");
                }
                String expected = expectedHash(e);
                if (!expected.equals(e.hash())) {
                    return AuditVerification.broken(checked, e.seq(), "entry " + e.seq() + " (" + e.action() + " on "
                            + e.target() + " by " + e.principal() + ") has hash " + e.hash() + " but its content hashes to "
                            + expected + " (the entry was altered)");
                }
                if (anchor != null && e.seq() == anchor.seq()) {
                    if (!e.hash().equals(anchor.hash())) {
                        return AuditVerification.broken(checked, e.seq(), "entry " + e.seq() + " has hash " + e.hash()
                                + " but the anchor taken at " + anchor.anchorTime() + " recorded " + anchor.hash()
                                + " (the log was rewritten consistently after the anchor)");
                    }
                    anchorSeen = true;
                }
                previousHash = e.hash();
                expectedSeq++;
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (!anchorSeen) {
            return AuditVerification.broken(checked, expectedSeq, "the log ends at entry " + (expectedSeq - 1)
                    + " but the anchor taken at " + anchor.anchorTime() + " recorded entry " + anchor.seq()
                    + " (entries were cut from the end)");
        }
        return AuditVerification.ok(checked);
    }
}
