package io.mlops.jdbc;

import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.spi.AuditAppender;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Audit appenders for store tests: each seals a plain entry at the position the store gives it,
 * hashing the previous hash and the entry's fields, as core's appender does (its exact canonical
 * form is core's business and not needed to test what the store stores).
 */
final class TestAudit {

    private TestAudit() {
    }

    static AuditAppender appender(String principal, String action, String target) {
        return appender(principal, action, target, AuditOutcome.SUCCEEDED, "{}");
    }

    static AuditAppender appender(String principal, String action, String target, AuditOutcome outcome, String summary) {
        return (seq, previousHash) -> new AuditEntry(seq, 1_000L + seq, principal, action, target, outcome,
                "req-" + seq, summary, previousHash,
                sha256(previousHash + "|" + seq + "|" + principal + "|" + action + "|" + target + "|" + summary));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
