package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlops.Mlops;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.Principal;
import io.mlops.api.governance.AuditAnchor;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditLog;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.AuditVerification;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.tracking.ActiveRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Someone with write access to the database tampers with the audit log by raw SQL, after a real
 * history was made through the public API; {@link AuditLog#verify()} (and, for what the chain alone
 * cannot see, {@link AuditLog#verify(AuditAnchor)}) must say so and point at the first broken entry.
 * Subclassed for H2 ({@link H2AuditTamperTest}) and PostgreSQL ({@link PostgresAuditTamperIT}), where
 * the tamperer must first switch off the append-only triggers, as the table's owner can.
 */
abstract class AuditTamperKit {

    private static final String MODEL = "credit-risk";
    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(TensorSpec.tensor("features", DataType.FLOAT, List.of(-1L, 4L))),
            List.of(TensorSpec.tensor("score", DataType.FLOAT, List.of(-1L))),
            Map.of());
    /** The canonical form core hashes, as {@code AuditChain} documents it: keys sorted, no white space. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private String url;
    private Mlops mlops;
    /** The principal who may read, verify and anchor the audit log. */
    private AuditLog audit;
    /** The last entry of the history, before any tampering. */
    private long last;

    /** The URL of a new, empty database or schema. */
    protected abstract String newDatabaseUrl();

    /**
     * What the tamperer must do first so that UPDATE and DELETE on {@code audit_log} go through;
     * nothing on H2, which has no triggers guarding it.
     */
    protected void disableAppendOnlyProtection(Statement s) throws SQLException {
    }

    /** Undoes {@link #disableAppendOnlyProtection}, covering the tamperer's tracks. */
    protected void enableAppendOnlyProtection(Statement s) throws SQLException {
    }

    @BeforeEach
    void makeHistory() {
        url = newDatabaseUrl();
        mlops = Mlops.builder()
                .metadata(JdbcMetadataStore.open(url, Map.of()))
                .artifacts("mem:")
                .principal(Principal.of("alice"))
                .roles(RoleMapping.builder().everyone(Role.DATA_SCIENTIST)
                        .user("victor", Role.VALIDATOR)
                        .user("auditor", Role.ADMIN)
                        .build())
                .build();
        audit = mlops.as(Principal.of("auditor")).governance().audit();
        Mlops victor = mlops.as(Principal.of("victor"));

        String runId;
        try (ActiveRun run = mlops.tracking().startRun("credit-risk-training")) {
            run.logParam("learning_rate", "0.05").logMetric("auc", 0.81);
            run.finish();
            runId = run.id();
        }
        String v1Key = mlops.artifacts().put("models/credit-risk/1/model.bin", bytes("weights v1")).key();
        String v2Key = mlops.artifacts().put("models/credit-risk/2/model.bin", bytes("weights v2")).key();
        int v1 = mlops.registry().createVersion(version(v1Key).runId(runId).build()).version();
        int v2 = mlops.registry().createVersion(version(v2Key).build()).version();
        mlops.registry().setModelTag(MODEL, "team", "retail-credit");
        mlops.governance().requestApproval(MODEL, v1, "AUC 0.81 on the 2026-Q3 holdout");
        // A refusal is history too: alice may not approve, whatever she registered.
        assertThatThrownBy(() -> mlops.governance().approve(MODEL, v1, "looks good to me"))
                .isInstanceOf(PermissionDeniedException.class);
        victor.governance().approve(MODEL, v1, "Validation report VR-2026-114");
        victor.registry().setAlias(MODEL, "champion", v1);
        mlops.governance().requestApproval(MODEL, v2, "AUC 0.83 with bureau data");
        victor.governance().reject(MODEL, v2, "bureau data not approved for this use");
        mlops.registry().setVersionTag(MODEL, v1, "validated", "VR-2026-114");

        last = audit.head().seq();
        List<AuditEntry> history = audit.entries(1, 1_000);
        assertThat(history).as("the history to tamper with").hasSizeGreaterThanOrEqualTo(12)
                .extracting(AuditEntry::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
        assertThat(history).extracting(AuditEntry::action)
                .contains("registry.createVersion", "governance.requestApproval", "governance.approve",
                        "governance.reject", "registry.setAlias");
        assertThat(history).extracting(AuditEntry::outcome).contains(AuditOutcome.DENIED);
        assertThat(audit.verify()).as("the untouched history").isEqualTo(AuditVerification.ok(last));
    }

    @AfterEach
    void close() {
        // Null when newDatabaseUrl() aborted the test, e.g. because its server is not configured.
        if (mlops != null) {
            mlops.close();
        }
    }

    @Test
    void alteredFieldOfAMiddleEntry_isReportedAtThatEntryAsAltered_andLaterAppendsStillChainOnTheHead()
            throws SQLException {
        AuditEntry original = entry(5);

        tamper(s -> assertThat(s.executeUpdate("UPDATE audit_log SET principal = 'mallory' WHERE seq = 5"))
                .isEqualTo(1));

        AuditVerification check = audit.verify();
        assertThat(check.intact()).isFalse();
        assertThat(check.firstBrokenSeq()).isEqualTo(5);
        assertThat(check.entriesChecked()).isEqualTo(5);
        assertThat(check.problem()).contains("entry 5 (" + original.action() + " on " + original.target()
                        + " by mallory)")
                .contains("has hash " + original.hash())
                .contains("the entry was altered");

        // The chain is append-only: the API keeps appending after the head the store remembers, and
        // verification keeps pointing at the first broken link, not at the new entries.
        mlops.registry().setModelTag(MODEL, "reviewed", "after-the-tampering");
        List<AuditEntry> tail = audit.entries(last, 10);
        assertThat(tail).extracting(AuditEntry::seq).containsExactly(last, last + 1);
        assertThat(tail.get(1).action()).isEqualTo("registry.setModelTag");
        assertThat(tail.get(1).previousHash()).isEqualTo(tail.get(0).hash());
        assertThat(audit.verify()).isEqualTo(check);
    }

    @Test
    void deletedMiddleEntry_isReportedAsMissingAtItsPosition() throws SQLException {
        tamper(s -> assertThat(s.executeUpdate("DELETE FROM audit_log WHERE seq = 6")).isEqualTo(1));

        AuditVerification check = audit.verify();
        assertThat(check.intact()).isFalse();
        assertThat(check.firstBrokenSeq()).isEqualTo(6);
        assertThat(check.problem()).contains("6").contains("missing").contains("the next stored entry has seq 7");
    }

    @Test
    void twoEntriesWithSwappedContents_areReportedAtTheEarlierOne_asABrokenLink() throws SQLException {
        AuditEntry fourth = entry(4);
        AuditEntry seventh = entry(7);

        tamper(s -> {
            overwrite(s.getConnection(), 4, seventh);
            overwrite(s.getConnection(), 7, fourth);
        });

        assertThat(audit.entries(4, 4)).extracting(AuditEntry::hash)
                .as("the rows really were swapped").containsExactly(seventh.hash(), entry(5).hash(), entry(6).hash(),
                        fourth.hash());
        AuditVerification check = audit.verify();
        assertThat(check.intact()).isFalse();
        assertThat(check.firstBrokenSeq()).isEqualTo(4);
        assertThat(check.problem()).contains("entry 4 links to previous hash " + seventh.previousHash())
                .contains("entry 3 has hash " + entry(3).hash())
                .contains("reordered");
    }

    @Test
    void tailCutWithTheHeadRewound_passesThePlainChainCheck_butNotTheAnchorTakenBefore() throws SQLException,
            IOException {
        AuditAnchor before = audit.anchor("audit/anchors/before.json");
        assertThat(before.seq()).isEqualTo(last);
        long end = audit.head().seq();
        assertThat(end).as("anchoring is audited too").isEqualTo(last + 1);
        AuditEntry keptLast = entry(end - 3);

        // Cuts the last three entries and moves the head back, so that the next append fits in.
        tamper(s -> {
            assertThat(s.executeUpdate("DELETE FROM audit_log WHERE seq > " + (end - 3))).isEqualTo(3);
            assertThat(s.executeUpdate("UPDATE audit_head SET last_seq = " + keptLast.seq() + ", last_hash = '"
                    + keptLast.hash() + "' WHERE id = 1")).isEqualTo(1);
        });

        // The chain alone cannot see a cut tail: every remaining link holds.
        assertThat(audit.verify()).isEqualTo(AuditVerification.ok(end - 3));

        // The anchor kept outside the database survives the cut and catches it.
        try (InputStream kept = mlops.artifacts().open("audit/anchors/before.json")) {
            assertThat(new String(kept.readAllBytes(), StandardCharsets.UTF_8)).contains(before.hash());
        }
        AuditAnchor readBack = audit.readAnchor("audit/anchors/before.json");
        assertThat(readBack).isEqualTo(before);
        AuditVerification check = audit.verify(readBack);
        assertThat(check.intact()).isFalse();
        assertThat(check.firstBrokenSeq()).isEqualTo(end - 2);
        assertThat(check.problem()).contains("the log ends at entry " + (end - 3))
                .contains("recorded entry " + before.seq())
                .contains("cut from the end");

        // Filling the cut positions with new entries does not hide it either: the anchored position
        // now holds another hash.
        mlops.registry().setModelTag(MODEL, "note-1", "after-the-cut");
        mlops.registry().setModelTag(MODEL, "note-2", "after-the-cut");
        assertThat(audit.head().seq()).isEqualTo(before.seq());
        assertThat(audit.verify().intact()).isTrue();
        AuditVerification refilled = audit.verify(readBack);
        assertThat(refilled.intact()).isFalse();
        assertThat(refilled.firstBrokenSeq()).isEqualTo(before.seq());
        assertThat(refilled.problem()).contains("recorded " + before.hash());
    }

    @Test
    void consistentRewriteOfEveryLaterHash_passesThePlainChainCheck_butNotTheAnchorTakenBefore() throws SQLException {
        // The formula the test forges with must be the one the log is sealed with.
        for (AuditEntry e : audit.entries(1, 1_000)) {
            assertThat(hash(e.seq(), e.time(), e.principal(), e.action(), e.target(), e.outcome().name(),
                    e.requestId(), e.summary(), e.previousHash())).as("hash of entry %d", e.seq()).isEqualTo(e.hash());
        }
        AuditAnchor before = audit.anchor("audit/anchors/before.json");
        long end = audit.head().seq();

        // Rewrites entry 5 as if mallory had done it, then re-seals entries 5..end and the head.
        tamper(s -> {
            Connection c = s.getConnection();
            String previous = entry(4).hash();
            for (long seq = 5; seq <= end; seq++) {
                AuditEntry e = entry(seq);
                String principal = seq == 5 ? "mallory" : e.principal();
                String sealed = hash(seq, e.time(), principal, e.action(), e.target(), e.outcome().name(),
                        e.requestId(), e.summary(), previous);
                try (PreparedStatement p = c.prepareStatement(
                        "UPDATE audit_log SET principal = ?, previous_hash = ?, entry_hash = ? WHERE seq = ?")) {
                    p.setString(1, principal);
                    p.setString(2, previous);
                    p.setString(3, sealed);
                    p.setLong(4, seq);
                    assertThat(p.executeUpdate()).isEqualTo(1);
                }
                previous = sealed;
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE audit_head SET last_hash = ? WHERE id = 1")) {
                p.setString(1, previous);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
        });

        assertThat(entry(5).principal()).isEqualTo("mallory");
        assertThat(entry(before.seq()).hash()).isNotEqualTo(before.hash());
        assertThat(audit.verify()).as("a consistent rewrite holds together").isEqualTo(AuditVerification.ok(end));

        AuditVerification check = audit.verify(audit.readAnchor("audit/anchors/before.json"));
        assertThat(check.intact()).isFalse();
        assertThat(check.firstBrokenSeq()).isEqualTo(before.seq());
        assertThat(check.problem()).contains("entry " + before.seq() + " has hash " + entry(before.seq()).hash())
                .contains("recorded " + before.hash())
                .contains("rewritten consistently");

        // An anchor taken after the rewrite cannot tell; the anchor is only as old as what it protects.
        assertThat(audit.verify(audit.head()).intact()).isTrue();
    }

    // ---- tampering ----

    @FunctionalInterface
    private interface Tampering {
        void on(Statement s) throws SQLException;
    }

    /** Raw SQL on a plain connection of its own, as a database owner working around the SDK would. */
    private void tamper(Tampering tampering) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            disableAppendOnlyProtection(s);
            tampering.on(s);
            enableAppendOnlyProtection(s);
        }
    }

    /** Writes every column of {@code content} but seq into the row at {@code seq}. */
    private static void overwrite(Connection c, long seq, AuditEntry content) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE audit_log SET entry_time = ?, principal = ?, action = ?,"
                + " target = ?, outcome = ?, request_id = ?, summary = ?, previous_hash = ?, entry_hash = ?"
                + " WHERE seq = ?")) {
            p.setLong(1, content.time());
            p.setString(2, content.principal());
            p.setString(3, content.action());
            p.setString(4, content.target());
            p.setString(5, content.outcome().name());
            p.setString(6, content.requestId());
            p.setString(7, content.summary());
            p.setString(8, content.previousHash());
            p.setString(9, content.hash());
            p.setLong(10, seq);
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
    }

    /** The row at {@code seq} as it is stored now, read by raw SQL. */
    private AuditEntry entry(long seq) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement p = c.prepareStatement("SELECT seq, entry_time, principal, action, target, outcome,"
                     + " request_id, summary, previous_hash, entry_hash FROM audit_log WHERE seq = ?")) {
            p.setLong(1, seq);
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).as("audit_log row %d exists", seq).isTrue();
                return new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        AuditOutcome.valueOf(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getString(10));
            }
        }
    }

    /**
     * {@code sha256(previousHash || canonical JSON)} of the fields but the two hashes, written out
     * here independently of core so that the forgery is what an outsider who read the docs could do.
     */
    private static String hash(long seq, long time, String principal, String action, String target, String outcome,
            String requestId, String summary, String previousHash) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("action", action);
        fields.put("outcome", outcome);
        fields.put("principal", principal);
        fields.put("requestId", requestId);
        fields.put("seq", seq);
        fields.put("summary", summary);
        fields.put("target", target);
        fields.put("time", time);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            sha256.update(CANONICAL.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- history ----

    private static NewModelVersion.Builder version(String key) {
        return NewModelVersion.builder(MODEL, key).flavor("custom").signature(SIGNATURE);
    }

    private static ByteArrayInputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
