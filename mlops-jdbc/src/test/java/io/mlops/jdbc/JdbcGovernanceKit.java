package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.ConflictException;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.RiskTier;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleGrant;
import io.mlops.api.governance.RoleGrant.SubjectKind;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.StatusChange;
import io.mlops.tck.Concurrently;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the JDBC store adds to the governance contract, on any database: the four-eyes CHECK
 * constraint itself, all-or-nothing transactions when the audit half fails, one unbroken chain
 * when two pools (two application instances) append at once, the lock that keeps archiving and
 * protected alias moves apart, and values that must survive the columns unchanged. Subclassed for
 * H2 ({@link H2JdbcGovernanceTest}) and PostgreSQL ({@link PostgresJdbcGovernanceIT}).
 */
abstract class JdbcGovernanceKit {

    protected static final String MODEL = "credit-risk";

    private final List<JdbcMetadataStore> opened = new ArrayList<>();

    /** The URL of a new, empty database or schema. */
    protected abstract String newDatabaseUrl();

    @AfterEach
    void closeKitStores() {
        opened.forEach(JdbcMetadataStore::close);
    }

    protected JdbcMetadataStore open(String url) {
        JdbcMetadataStore store = JdbcMetadataStore.open(url, Map.of());
        opened.add(store);
        return store;
    }

    protected static ModelVersion draft(String createdBy) {
        return new ModelVersion(MODEL, 0, "", "models/" + MODEL + ".onnx", "ab".repeat(32), 10L, "onnx",
                ModelSignature.EMPTY, "", Map.of(), ModelVersionStatus.NEW, createdBy, 5L);
    }

    protected static StatusChange change(int version, ModelVersionStatus from, ModelVersionStatus to, String principal) {
        return new StatusChange(MODEL, version, from, to, principal, 100L, "because", Set.of("champion"));
    }

    protected static AuditAppender audit(String principal, String action) {
        return TestAudit.appender(principal, action, "models:/" + MODEL);
    }

    protected static AliasUpdate move(String alias, int from, int to, String principal,
            Optional<ModelVersionStatus> required) {
        return new AliasUpdate(new AliasChange(MODEL, alias, from, to, to == 0 ? AliasAction.DELETE : AliasAction.SET,
                principal, 200L, "release"), required);
    }

    /** Registers the model and one version by alice. */
    protected static void registerVersion(JdbcMetadataStore store) {
        store.createModel(MODEL, "", Map.of(), 1L);
        store.createVersion(draft("alice"), null);
    }

    /** Moves version 1 to APPROVED: requested by bob, approved by victor. */
    protected static ModelVersion approve(JdbcMetadataStore store, int version) {
        store.changeStatus(change(version, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "bob"),
                audit("bob", "governance.requestApproval"));
        return store.changeStatus(change(version, ModelVersionStatus.PENDING_APPROVAL, ModelVersionStatus.APPROVED,
                "victor"), audit("victor", "governance.approve"));
    }

    @Test
    void fourEyesConstraint_refusesRawSqlThatMakesTheCreatorOrTheRequesterTheDecider() throws SQLException {
        String url = newDatabaseUrl();
        registerVersion(open(url));
        String where = " WHERE model_name = '" + MODEL + "' AND version = 1";

        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE model_versions SET requested_by = 'bob'" + where)).isEqualTo(1);
            for (String decider : List.of("created_by", "requested_by", "'alice'", "'bob'")) {
                assertThatThrownBy(() -> s.executeUpdate("UPDATE model_versions SET decided_by = " + decider + where))
                        .as("decided_by = %s", decider)
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).isIn("23513", "23514");
                            assertThat(e.getMessage().toLowerCase(Locale.ROOT)).contains("model_versions_four_eyes_ck");
                        });
            }
            assertThat(s.executeUpdate("UPDATE model_versions SET decided_by = 'victor'" + where))
                    .as("a third principal may decide").isEqualTo(1);
            assertThatThrownBy(() -> s.executeUpdate("UPDATE model_versions SET requested_by = 'victor'" + where))
                    .as("nor may the requester be changed to the decider afterwards")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn("23513", "23514"));
        }
    }

    @Test
    void changeStatus_deciderWhoCreatedOrRequested_raisesFourEyesPermissionDenied_andWritesNothing() throws SQLException {
        String url = newDatabaseUrl();
        JdbcMetadataStore store = open(url);
        registerVersion(store);
        store.changeStatus(change(1, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "bob"),
                audit("bob", "governance.requestApproval"));
        AuditEntry afterRequest = store.lastAudit().orElseThrow();

        assertThatThrownBy(() -> store.changeStatus(change(1, ModelVersionStatus.PENDING_APPROVAL,
                ModelVersionStatus.APPROVED, "alice"), audit("alice", "governance.approve")))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("four-eyes").hasMessageContaining("'alice'").hasMessageContaining("registered it")
                .hasMessageContaining("other than its creator 'alice' and its approval requester 'bob'");
        assertThatThrownBy(() -> store.changeStatus(change(1, ModelVersionStatus.PENDING_APPROVAL,
                ModelVersionStatus.REJECTED, "bob"), audit("bob", "governance.reject")))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("four-eyes").hasMessageContaining("'bob' may not reject")
                .hasMessageContaining("requested its approval");

        assertThat(store.findVersion(MODEL, 1).orElseThrow().status()).isEqualTo(ModelVersionStatus.PENDING_APPROVAL);
        assertThat(store.listTransitions(MODEL, 1)).hasSize(1);
        assertThat(store.lastAudit()).contains(afterRequest);
        assertThat(deciders(url)).isEqualTo(List.of("bob", "-"));

        ModelVersion approved = store.changeStatus(change(1, ModelVersionStatus.PENDING_APPROVAL,
                ModelVersionStatus.APPROVED, "victor"), audit("victor", "governance.approve"));

        assertThat(approved.status()).isEqualTo(ModelVersionStatus.APPROVED);
        assertThat(deciders(url)).isEqualTo(List.of("bob", "victor"));
        assertThat(store.lastAudit().orElseThrow().seq()).isEqualTo(2);
    }

    @Test
    void changeStatus_newRequest_clearsTheEarlierDecision() throws SQLException {
        String url = newDatabaseUrl();
        JdbcMetadataStore store = open(url);
        registerVersion(store);
        store.changeStatus(change(1, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "bob"),
                audit("bob", "governance.requestApproval"));
        store.changeStatus(change(1, ModelVersionStatus.PENDING_APPROVAL, ModelVersionStatus.REJECTED, "victor"),
                audit("victor", "governance.reject"));

        // Core decides whether a rejected version may be requested again; if it does, the store
        // must not let the old decider block the new requester.
        store.changeStatus(change(1, ModelVersionStatus.REJECTED, ModelVersionStatus.PENDING_APPROVAL, "victor"),
                audit("victor", "governance.requestApproval"));

        assertThat(deciders(url)).isEqualTo(List.of("victor", "-"));
        assertThat(store.listTransitions(MODEL, 1)).extracting(t -> t.from() + ">" + t.to())
                .containsExactly("NEW>PENDING_APPROVAL", "PENDING_APPROVAL>REJECTED", "REJECTED>PENDING_APPROVAL");
    }

    @Test
    void failingAuditAppender_rollsBackEveryKindOfChange_andLeavesTheChainHeadWhereItWas() {
        JdbcMetadataStore store = open(newDatabaseUrl());
        registerVersion(store);
        approve(store, 1);
        store.createVersion(draft("alice"), null);
        long lastUpdated = store.findModel(MODEL).orElseThrow().lastUpdatedTime();
        AuditEntry head = store.lastAudit().orElseThrow();
        AuditAppender failing = (seq, previousHash) -> {
            throw new IllegalStateException("core could not seal entry " + seq);
        };

        assertThatThrownBy(() -> store.changeStatus(change(2, ModelVersionStatus.NEW, ModelVersionStatus.ARCHIVED,
                "victor"), failing)).hasMessage("core could not seal entry 3");
        assertThatThrownBy(() -> store.changeAlias(move("champion", 0, 1, "victor", Optional.empty()), failing))
                .hasMessage("core could not seal entry 3");
        assertThatThrownBy(() -> store.putInventory(MODEL, ModelInventory.builder().owner("risk").build(), 300L, failing))
                .hasMessage("core could not seal entry 3");
        assertThatThrownBy(() -> store.grantRole(new RoleGrant(SubjectKind.USER, "victor", Role.VALIDATOR, "root", 1L),
                failing)).hasMessage("core could not seal entry 3");
        assertThatThrownBy(() -> store.appendAudit(failing)).hasMessage("core could not seal entry 3");

        assertThat(store.findVersion(MODEL, 2).orElseThrow().status()).isEqualTo(ModelVersionStatus.NEW);
        assertThat(store.listTransitions(MODEL, 2)).isEmpty();
        assertThat(store.findModel(MODEL).orElseThrow().aliases()).isEmpty();
        assertThat(store.findModel(MODEL).orElseThrow().lastUpdatedTime()).isEqualTo(lastUpdated);
        assertThat(store.listAliasChanges(MODEL)).isEmpty();
        assertThat(store.findInventory(MODEL)).isEmpty();
        assertThat(store.listRoleGrants()).isEmpty();
        assertThat(store.lastAudit()).contains(head);

        AuditEntry next = store.appendAudit(audit("victor", "governance.note"));
        assertThat(next.seq()).isEqualTo(3);
        assertThat(next.previousHash()).isEqualTo(head.hash());
    }

    @Test
    void appenderSealingAtAnotherPosition_isRefused_andNothingIsStored() {
        JdbcMetadataStore store = open(newDatabaseUrl());
        store.appendAudit(audit("root", "governance.note"));
        AuditAppender honest = audit("root", "governance.note");

        assertThatThrownBy(() -> store.appendAudit((seq, previousHash) -> honest.next(seq + 5, previousHash)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("seal the entry at seq 2").hasMessageContaining("returned seq 7");
        assertThatThrownBy(() -> store.appendAudit((seq, previousHash) -> honest.next(seq, AuditEntry.GENESIS_HASH)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after hash " + store.lastAudit().orElseThrow().hash());

        assertThat(store.readAudit(1, 10)).extracting(AuditEntry::seq).containsExactly(1L);
    }

    @Test
    void appendsFromEightThreadsOverTwoPools_formOneUnbrokenChain() throws Exception {
        String url = newDatabaseUrl();
        List<JdbcMetadataStore> instances = List.of(open(url), open(url));
        List<Callable<Void>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            JdbcMetadataStore store = instances.get(t % 2);
            String principal = "writer-" + t;
            writers.add(() -> {
                for (int i = 0; i < 10; i++) {
                    store.appendAudit(audit(principal, "governance.note"));
                }
                return null;
            });
        }

        Concurrently.run(writers);

        List<AuditEntry> chain = instances.get(1).readAudit(1, 1_000);
        assertThat(chain).extracting(AuditEntry::seq).isEqualTo(LongStream.rangeClosed(1, 80).boxed().toList());
        String previous = AuditEntry.GENESIS_HASH;
        for (AuditEntry e : chain) {
            assertThat(e.previousHash()).as("link of entry %d", e.seq()).isEqualTo(previous);
            previous = e.hash();
        }
        assertThat(instances.get(0).lastAudit()).contains(chain.get(79));
    }

    @Test
    void archivingAndMovingAProtectedAliasToTheSameVersion_racingOverTwoPools_neverBothSucceed() throws Exception {
        String url = newDatabaseUrl();
        List<JdbcMetadataStore> instances = List.of(open(url), open(url));
        JdbcMetadataStore first = instances.get(0);
        first.createModel(MODEL, "", Map.of(), 1L);
        int champion = 0;
        for (int round = 1; round <= 10; round++) {
            int version = first.createVersion(draft("alice"), null).version();
            approve(first, version);
            int from = champion;
            Callable<String> archive = () -> outcome(() -> instances.get(0).changeStatus(change(version,
                    ModelVersionStatus.APPROVED, ModelVersionStatus.ARCHIVED, "victor"), audit("victor", "archive")));
            Callable<String> point = () -> outcome(() -> instances.get(1).changeAlias(move("champion", from, version,
                    "victor", Optional.of(ModelVersionStatus.APPROVED)), audit("victor", "setAlias")));

            List<String> outcomes = Concurrently.run(List.of(archive, point));

            assertThat(outcomes).as("round %d: [archive, point alias]", round).containsOnlyOnce("done");
            ModelVersionStatus status = first.findVersion(MODEL, version).orElseThrow().status();
            Integer target = first.findModel(MODEL).orElseThrow().aliases().get("champion");
            if (outcomes.get(0).equals("done")) {
                assertThat(status).isEqualTo(ModelVersionStatus.ARCHIVED);
                assertThat(outcomes.get(1)).contains("version " + version + " is ARCHIVED");
            } else {
                assertThat(target).isEqualTo(version);
                assertThat(outcomes.get(0)).contains("alias 'champion' points at it");
                champion = version;
            }
        }
    }

    private static String outcome(Runnable change) {
        try {
            change.run();
            return "done";
        } catch (ConflictException e) {
            return e.getMessage();
        }
    }

    @Test
    void auditEntries_areReadBackExactlyAsSealed_whateverTheirLength() {
        JdbcMetadataStore store = open(newDatabaseUrl());
        String longPrincipal = "CN=" + "p".repeat(2_000) + ",OU=Service Accounts,DC=bank";
        String summary = "{\"reason\":\"" + "ä€😀 \\\"quoted\\\" ".repeat(5_000) + "\"}";
        List<AuditEntry> sealed = new ArrayList<>();
        sealed.add(store.appendAudit(TestAudit.appender(longPrincipal, "registry.approve", "models:/" + "m".repeat(500),
                AuditOutcome.DENIED, summary)));
        for (int i = 0; i < 4; i++) {
            sealed.add(store.appendAudit(audit("bob", "note-" + i)));
        }

        assertThat(store.readAudit(1, 100)).isEqualTo(sealed);
        assertThat(store.readAudit(2, 2)).isEqualTo(sealed.subList(1, 3));
        assertThat(store.readAudit(5, 10)).isEqualTo(sealed.subList(4, 5));
        assertThat(store.readAudit(6, 10)).isEmpty();
        assertThat(store.readAudit(1, 0)).isEmpty();
        assertThat(store.lastAudit()).contains(sealed.get(4));
    }

    @Test
    void inventory_roundTripsDevelopersInOrder_andTheDueDate() {
        JdbcMetadataStore store = open(newDatabaseUrl());
        registerVersion(store);
        ModelInventory full = ModelInventory.builder().owner("head-of-retail-credit")
                .developers(List.of("zoë", "alice \"the\" analyst", "bob"))
                .validator("victor").riskTier(RiskTier.TIER_1)
                .intendedUse("PD for loans up to EUR 50k\nnot for mortgages")
                .knownLimitations("thin files")
                .nextValidationDue(LocalDate.of(2027, 2, 28)).build();

        store.putInventory(MODEL, full, 300L, audit("alice", "governance.setInventory"));
        assertThat(store.findInventory(MODEL)).contains(full);

        ModelInventory unscheduled = full.toBuilder().nextValidationDue(null).developers(List.of()).build();
        store.putInventory(MODEL, unscheduled, 301L, audit("alice", "governance.setInventory"));
        assertThat(store.findInventory(MODEL)).contains(unscheduled);
        assertThat(store.lastAudit().orElseThrow().seq()).isEqualTo(2);
    }

    /** requested_by and decided_by of version 1, "-" for NULL. */
    private static List<String> deciders(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT requested_by, decided_by FROM model_versions"
                     + " WHERE model_name = '" + MODEL + "' AND version = 1")) {
            assertThat(rs.next()).isTrue();
            return List.of(Optional.ofNullable(rs.getString(1)).orElse("-"), Optional.ofNullable(rs.getString(2)).orElse("-"));
        }
    }
}
