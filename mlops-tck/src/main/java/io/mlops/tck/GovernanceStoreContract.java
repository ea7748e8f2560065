package io.mlops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.ConflictException;
import io.mlops.api.NotFoundException;
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
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.StatusChange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link io.mlops.api.spi.GovernanceStore} must meet. Subclass it and return a
 * fresh, empty store from {@link #newStore()}; the kit closes it after each test.
 *
 * <p>What the kit requires beyond the interface's Javadoc, so that every store behaves alike:
 * <ul>
 *   <li>{@code changeStatus}: a missing model or version raises {@link NotFoundException} naming
 *       the model or the version number; a current status other than {@code from} raises
 *       {@link ConflictException} naming both the current and the expected status; an archive
 *       blocked by an alias raises ConflictException naming the alias; a decider (to APPROVED or
 *       REJECTED) equal to the version's {@code createdBy} or to the principal who moved it to
 *       PENDING_APPROVAL raises {@link PermissionDeniedException} whose message contains
 *       {@code four-eyes}.</li>
 *   <li>{@code changeAlias}: an alias not pointing at {@code expectedFrom} raises ConflictException
 *       naming the alias; a missing model or target version raises NotFoundException naming it; a
 *       target without the required status raises ConflictException naming both states.</li>
 *   <li>{@code listRoleGrants} is ordered by the <em>names</em> of subject kind, then subject, then
 *       the <em>name</em> of the role (what {@code ORDER BY} over the stored names gives), so
 *       {@code GROUP} before {@code USER} and {@code ADMIN} before {@code VIEWER}.</li>
 *   <li>A call that fails for any reason leaves no trace: no change, no history row, no audit
 *       entry; the next append continues the chain from the last stored entry.</li>
 *   <li>The appender is called exactly once for each successful change, with the next seq and the
 *       last stored hash, and what it returns is stored and read back unchanged, every field.</li>
 *   <li>An exception the appender throws leaves nothing written and reaches the caller, unchanged
 *       or as the cause of what the store throws.</li>
 * </ul>
 */
public abstract class GovernanceStoreContract extends MetadataStoreKit {

    // ---- the kit's audit appender

    /**
     * An {@link AuditAppender} for the kit, standing in for core's chain: it builds an entry with
     * the seq and previous hash it is given and {@code hash = hex(sha256(previousHash + seq +
     * action + target))}, and counts its calls. Thread-safe.
     */
    public static final class TestAppender implements AuditAppender {
        private final String principal;
        private final String action;
        private final String target;
        private final AuditOutcome outcome;
        private final AtomicInteger calls = new AtomicInteger();
        private final List<AuditEntry> built = new CopyOnWriteArrayList<>();

        public TestAppender(String principal, String action, String target, AuditOutcome outcome) {
            this.principal = principal;
            this.action = action;
            this.target = target;
            this.outcome = outcome;
        }

        @Override
        public AuditEntry next(long seq, String previousHash) {
            calls.incrementAndGet();
            // A summary with non-ASCII text and no spaces: a store that normalises JSON (jsonb) or
            // mangles encodings fails the round trip.
            String summary = "{\"action\":\"" + action + "\",\"note\":\"Prüfung – ok ✓\",\"seq\":" + seq + "}";
            AuditEntry entry = new AuditEntry(seq, 1_700_000_000_000L + seq, principal, action, target, outcome,
                    "req-" + action + "-" + seq, summary, previousHash, hashOf(previousHash, seq, action, target));
            built.add(entry);
            return entry;
        }

        /** How often {@link #next} was called. */
        public int calls() {
            return calls.get();
        }

        /** Every entry built, in call order. */
        public List<AuditEntry> built() {
            return List.copyOf(built);
        }

        /** The one entry built; fails unless exactly one was. */
        public AuditEntry only() {
            assertThat(built).as("entries built by appender for %s %s", action, target).hasSize(1);
            return built.get(0);
        }
    }

    /** A succeeding-outcome appender by principal {@code auditor}. */
    protected static TestAppender appender(String action, String target) {
        return new TestAppender("auditor", action, target, AuditOutcome.SUCCEEDED);
    }

    /** hex(sha256(previousHash + seq + action + target)), as {@link TestAppender} computes it. */
    protected static String hashOf(String previousHash, long seq, String action, String target) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((previousHash + seq + action + target).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** An appender that fails, to show that nothing is written when core's half fails. */
    private static final class FailingAppender implements AuditAppender {
        final RuntimeException failure = new IllegalStateException("appender failed on purpose");

        @Override
        public AuditEntry next(long seq, String previousHash) {
            throw failure;
        }
    }

    // ---- fixtures

    private static final String MODEL = "credit-risk";

    private static ModelVersion draft(String model, String runId, String createdBy) {
        return new ModelVersion(model, 0, runId, "runs/" + runId + "/model.onnx", "0f".repeat(32), 1234L, "onnx",
                null, "", Map.of("stage", "dev"), ModelVersionStatus.NEW, createdBy, 7_000L);
    }

    /** A model with {@code versions} NEW versions created by {@code alice}. */
    private void model(String name, int versions) {
        store.createModel(name, "", Map.of(), 1_000L);
        for (int i = 1; i <= versions; i++) {
            store.createVersion(draft(name, "run-" + i, "alice"), null);
        }
    }

    private static StatusChange status(String name, int version, ModelVersionStatus from, ModelVersionStatus to,
            String principal, long time) {
        return new StatusChange(name, version, from, to, principal, time, from + " to " + to + " by " + principal, Set.of());
    }

    /** NEW → PENDING_APPROVAL (by bob) → APPROVED (by victor). */
    private void approve(String name, int version) {
        store.changeStatus(status(name, version, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "bob", 2_000L),
                appender("registry.request-approval", name + "/" + version));
        store.changeStatus(status(name, version, ModelVersionStatus.PENDING_APPROVAL, ModelVersionStatus.APPROVED, "victor", 3_000L),
                appender("registry.approve", name + "/" + version));
    }

    private static AliasChange aliasChange(String name, String alias, int from, int to, long time) {
        return new AliasChange(name, alias, from, to, to == 0 ? AliasAction.DELETE : AliasAction.SET, "mallory", time,
                "move " + alias + " " + from + "→" + to);
    }

    private TestAppender setAlias(String name, String alias, int from, int to, long time) {
        TestAppender audit = appender("registry.alias", name + "@" + alias);
        store.changeAlias(new AliasUpdate(aliasChange(name, alias, from, to, time), Optional.empty()), audit);
        return audit;
    }

    private List<AuditEntry> allAudit() {
        return store.readAudit(1, 100_000);
    }

    private ModelVersionStatus statusOf(String name, int version) {
        return store.findVersion(name, version).orElseThrow().status();
    }

    /** Seq 1..n without gaps, each linked to the one before, each hash as the kit's appender made it. */
    private static void assertUnbrokenChain(List<AuditEntry> entries, int expectedSize) {
        assertThat(entries).hasSize(expectedSize);
        String previous = AuditEntry.GENESIS_HASH;
        for (int i = 0; i < entries.size(); i++) {
            AuditEntry e = entries.get(i);
            assertThat(e.seq()).as("seq of entry #%d", i + 1).isEqualTo(i + 1L);
            assertThat(e.previousHash()).as("previousHash of entry %d", e.seq()).isEqualTo(previous);
            assertThat(e.hash()).as("hash of entry %d", e.seq()).isEqualTo(hashOf(previous, e.seq(), e.action(), e.target()));
            previous = e.hash();
        }
    }

    private static List<Throwable> causeChain(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    // ---- changeStatus

    @Test
    void changeStatus_throughTheLifecycle_updatesVersion_recordsTransitionsOldestFirst_andAuditsEachChange() {
        model(MODEL, 1);
        ModelVersion created = store.findVersion(MODEL, 1).orElseThrow();
        assertThat(store.listTransitions(MODEL, 1)).isEmpty();

        List<StatusTransition> expected = new ArrayList<>();
        String[][] steps = {{"NEW", "PENDING_APPROVAL", "alice"}, {"PENDING_APPROVAL", "APPROVED", "victor"},
            {"APPROVED", "ARCHIVED", "root"}};
        long time = 10_000L;
        for (String[] step : steps) {
            ModelVersionStatus from = ModelVersionStatus.valueOf(step[0]);
            ModelVersionStatus to = ModelVersionStatus.valueOf(step[1]);
            String rationale = "because " + to.name().toLowerCase() + " – see VR-2026-114";
            int auditBefore = allAudit().size();
            TestAppender audit = appender("registry.status", MODEL + "/1/" + to);

            ModelVersion changed = store.changeStatus(
                    new StatusChange(MODEL, 1, from, to, step[2], time, rationale, Set.of("champion")), audit);

            assertThat(changed.status()).isEqualTo(to);
            assertThat(changed).usingRecursiveComparison().ignoringFields("status").isEqualTo(created);
            assertThat(store.findVersion(MODEL, 1)).contains(changed);
            expected.add(new StatusTransition(MODEL, 1, from, to, step[2], time, rationale));
            assertThat(store.listTransitions(MODEL, 1)).containsExactlyElementsOf(expected);
            assertThat(audit.calls()).as("appender calls for %s→%s", from, to).isEqualTo(1);
            List<AuditEntry> stored = allAudit();
            assertThat(stored).hasSize(auditBefore + 1);
            assertThat(stored.get(stored.size() - 1)).isEqualTo(audit.only());
            time += 1_000L;
        }
        assertUnbrokenChain(allAudit(), 3);
    }

    @Test
    void changeStatus_ofMissingModelOrVersion_raisesNotFound_andAppendsNothing() {
        model(MODEL, 1);
        TestAppender audit = appender("registry.status", "missing");

        assertThatThrownBy(() -> store.changeStatus(status("ghost-model", 1, ModelVersionStatus.NEW,
                ModelVersionStatus.PENDING_APPROVAL, "alice", 5L), audit))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost-model");
        assertThatThrownBy(() -> store.changeStatus(status(MODEL, 7, ModelVersionStatus.NEW,
                ModelVersionStatus.PENDING_APPROVAL, "alice", 5L), audit))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("7");

        assertThat(allAudit()).isEmpty();
        assertThat(store.lastAudit()).isEmpty();
        assertThat(store.listTransitions(MODEL, 7)).isEmpty();
        assertThat(store.listTransitions("ghost-model", 1)).isEmpty();
    }

    @Test
    void changeStatus_fromOtherThanCurrentStatus_raisesConflictNamingBoth_andWritesNothing() {
        model(MODEL, 1);
        store.changeStatus(status(MODEL, 1, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "alice", 2_000L),
                appender("registry.status", "v1"));
        List<AuditEntry> auditBefore = allAudit();
        List<StatusTransition> transitionsBefore = store.listTransitions(MODEL, 1);

        // Stale: the caller still believes the version is NEW.
        assertThatThrownBy(() -> store.changeStatus(status(MODEL, 1, ModelVersionStatus.NEW,
                ModelVersionStatus.ARCHIVED, "root", 3_000L), appender("registry.status", "stale")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("PENDING_APPROVAL")
                .hasMessageContaining("NEW");
        // Stale the other way: the caller believes it was already approved.
        assertThatThrownBy(() -> store.changeStatus(status(MODEL, 1, ModelVersionStatus.APPROVED,
                ModelVersionStatus.ARCHIVED, "root", 3_000L), appender("registry.status", "stale")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("PENDING_APPROVAL")
                .hasMessageContaining("APPROVED");

        assertThat(statusOf(MODEL, 1)).isEqualTo(ModelVersionStatus.PENDING_APPROVAL);
        assertThat(store.listTransitions(MODEL, 1)).isEqualTo(transitionsBefore).hasSize(1);
        assertThat(allAudit()).isEqualTo(auditBefore).hasSize(1);
    }

    @Test
    void changeStatus_archivingAVersionABlockingAliasPointsAt_raisesConflictNamingIt_whileOtherAliasesDoNotBlock() {
        model(MODEL, 2);
        approve(MODEL, 1);
        approve(MODEL, 2);
        setAlias(MODEL, "champion", 0, 1, 4_000L);
        setAlias(MODEL, "challenger", 0, 2, 4_001L);
        List<AuditEntry> auditBefore = allAudit();
        List<StatusTransition> transitionsBefore = store.listTransitions(MODEL, 1);
        TestAppender refused = appender("registry.archive", MODEL + "/1");

        assertThatThrownBy(() -> store.changeStatus(new StatusChange(MODEL, 1, ModelVersionStatus.APPROVED,
                ModelVersionStatus.ARCHIVED, "root", 5_000L, "retire", Set.of("champion", "production")), refused))
                .isInstanceOf(ConflictException.class).hasMessageContaining("champion");

        assertThat(statusOf(MODEL, 1)).isEqualTo(ModelVersionStatus.APPROVED);
        assertThat(store.listTransitions(MODEL, 1)).isEqualTo(transitionsBefore);
        assertThat(allAudit()).isEqualTo(auditBefore);

        // challenger points at version 2 but is not blocking; champion is blocking but points elsewhere.
        TestAppender allowed = appender("registry.archive", MODEL + "/2");
        ModelVersion archived = store.changeStatus(new StatusChange(MODEL, 2, ModelVersionStatus.APPROVED,
                ModelVersionStatus.ARCHIVED, "root", 5_001L, "retire", Set.of("champion", "production")), allowed);

        assertThat(archived.status()).isEqualTo(ModelVersionStatus.ARCHIVED);
        assertThat(statusOf(MODEL, 2)).isEqualTo(ModelVersionStatus.ARCHIVED);
        assertThat(allAudit()).hasSize(auditBefore.size() + 1).last().isEqualTo(allowed.only());
    }

    @Test
    void changeStatus_decidedByTheCreatorOrTheRequester_isRefusedAsFourEyes_andWritesNothing() {
        model(MODEL, 1); // created by alice
        store.changeStatus(status(MODEL, 1, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "bob", 2_000L),
                appender("registry.request-approval", "v1"));
        List<AuditEntry> auditBefore = allAudit();
        List<StatusTransition> transitionsBefore = store.listTransitions(MODEL, 1);

        for (ModelVersionStatus decision : List.of(ModelVersionStatus.APPROVED, ModelVersionStatus.REJECTED)) {
            for (String selfReviewer : List.of("alice", "bob")) {
                assertThatThrownBy(() -> store.changeStatus(status(MODEL, 1, ModelVersionStatus.PENDING_APPROVAL,
                        decision, selfReviewer, 3_000L), appender("registry.decide", "v1")))
                        .as("%s deciding %s", selfReviewer, decision)
                        .isInstanceOf(PermissionDeniedException.class)
                        .hasMessageContaining("four-eyes");
            }
        }

        assertThat(statusOf(MODEL, 1)).isEqualTo(ModelVersionStatus.PENDING_APPROVAL);
        assertThat(store.listTransitions(MODEL, 1)).isEqualTo(transitionsBefore);
        assertThat(allAudit()).isEqualTo(auditBefore);

        // A third person may decide.
        assertThat(store.changeStatus(status(MODEL, 1, ModelVersionStatus.PENDING_APPROVAL, ModelVersionStatus.REJECTED,
                "victor", 3_000L), appender("registry.reject", "v1")).status()).isEqualTo(ModelVersionStatus.REJECTED);
    }

    @Test
    void changeStatus_twoDecidersRacing_oneWins_theOtherGetsConflict_andOneTransitionAndEntryAreWritten() throws Exception {
        // Ten versions raced at once, two deciders each, so that a store without the check loses often enough to see.
        int versions = 10;
        model(MODEL, versions);
        for (int v = 1; v <= versions; v++) {
            store.changeStatus(status(MODEL, v, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "bob", 2_000L),
                    appender("registry.request-approval", "v" + v));
        }
        List<Callable<String>> deciders = new ArrayList<>();
        for (int v = 1; v <= versions; v++) {
            int version = v;
            for (String validator : List.of("victor", "vera")) {
                deciders.add(() -> {
                    try {
                        store.changeStatus(status(MODEL, version, ModelVersionStatus.PENDING_APPROVAL,
                                ModelVersionStatus.APPROVED, validator, 3_000L), appender("registry.approve", version + "/" + validator));
                        return validator;
                    } catch (ConflictException e) {
                        return "conflict";
                    }
                });
            }
        }

        List<String> outcomes = Concurrently.run(deciders);

        List<AuditEntry> audit = allAudit();
        for (int v = 1; v <= versions; v++) {
            int version = v;
            List<String> race = outcomes.subList(2 * (v - 1), 2 * v);
            String winner = race.contains("victor") ? "victor" : "vera";
            assertThat(race).as("outcomes for version %d", v).containsExactlyInAnyOrder(winner, "conflict");
            assertThat(statusOf(MODEL, v)).isEqualTo(ModelVersionStatus.APPROVED);
            assertThat(store.listTransitions(MODEL, v)).as("transitions of version %d", v).hasSize(2).last()
                    .satisfies(t -> assertThat(t.principal()).isEqualTo(winner));
            assertThat(audit).as("approval entries of version %d", v)
                    .filteredOn(e -> e.action().equals("registry.approve") && e.target().startsWith(version + "/"))
                    .extracting(AuditEntry::target).containsExactly(version + "/" + winner);
        }
        assertUnbrokenChain(audit, versions * 2);
    }

    // ---- changeAlias

    @Test
    void changeAlias_setsMovesRollsBackAndDeletes_recordingHistoryExactly_touchingTheModel_andAuditingEachChange() {
        model(MODEL, 2);
        model("other-model", 1);
        setAlias("other-model", "champion", 0, 1, 1_500L);
        List<AliasChange> expected = List.of(
                new AliasChange(MODEL, "champion", 0, 1, AliasAction.SET, "mallory", 2_000L, "first release"),
                new AliasChange(MODEL, "champion", 1, 2, AliasAction.SET, "mallory", 3_000L, ""),
                new AliasChange(MODEL, "champion", 2, 1, AliasAction.ROLLBACK, "victor", 4_000L, "v2 drifts – INC-42"),
                new AliasChange(MODEL, "champion", 1, 0, AliasAction.DELETE, "victor", 5_000L, "decommissioned"));
        List<Map<String, Integer>> aliasesAfter = List.of(Map.of("champion", 1), Map.of("champion", 2),
                Map.of("champion", 1), Map.of());

        for (int i = 0; i < expected.size(); i++) {
            AliasChange change = expected.get(i);
            int auditBefore = allAudit().size();
            TestAppender audit = appender("registry.alias", MODEL + "@champion#" + i);

            store.changeAlias(new AliasUpdate(change, Optional.empty()), audit);

            RegisteredModel model = store.findModel(MODEL).orElseThrow();
            assertThat(model.aliases()).as("aliases after %s", change).isEqualTo(aliasesAfter.get(i));
            assertThat(model.lastUpdatedTime()).isEqualTo(change.time());
            assertThat(store.listAliasChanges(MODEL)).containsExactlyElementsOf(expected.subList(0, i + 1));
            assertThat(audit.calls()).isEqualTo(1);
            assertThat(allAudit()).hasSize(auditBefore + 1).last().isEqualTo(audit.only());
        }
        assertThat(store.listAliasChanges("other-model")).containsExactly(aliasChange("other-model", "champion", 0, 1, 1_500L));
        assertThat(store.findModel("other-model").orElseThrow().aliases()).containsExactly(Map.entry("champion", 1));
        assertThat(store.listAliasChanges("ghost-model")).isEmpty();
        assertUnbrokenChain(allAudit(), 5);
    }

    @Test
    void changeAlias_withStaleExpectedFrom_raisesConflictNamingTheAlias_andWritesNothing() {
        model(MODEL, 3);
        setAlias(MODEL, "champion", 0, 1, 2_000L);
        RegisteredModel modelBefore = store.findModel(MODEL).orElseThrow();
        List<AliasChange> historyBefore = store.listAliasChanges(MODEL);
        List<AuditEntry> auditBefore = allAudit();

        // champion points at 1, not 2
        assertThatThrownBy(() -> setAlias(MODEL, "champion", 2, 3, 3_000L))
                .isInstanceOf(ConflictException.class).hasMessageContaining("champion");
        // champion exists: creating it again (from 0) is stale
        assertThatThrownBy(() -> setAlias(MODEL, "champion", 0, 3, 3_000L))
                .isInstanceOf(ConflictException.class).hasMessageContaining("champion");
        // challenger does not exist: neither moving nor deleting it from 1 can hold
        assertThatThrownBy(() -> setAlias(MODEL, "challenger", 1, 2, 3_000L))
                .isInstanceOf(ConflictException.class).hasMessageContaining("challenger");
        assertThatThrownBy(() -> setAlias(MODEL, "challenger", 1, 0, 3_000L))
                .isInstanceOf(ConflictException.class).hasMessageContaining("challenger");

        assertThat(store.findModel(MODEL)).contains(modelBefore);
        assertThat(store.listAliasChanges(MODEL)).isEqualTo(historyBefore);
        assertThat(allAudit()).isEqualTo(auditBefore);
    }

    @Test
    void changeAlias_toMissingVersionOrOnMissingModel_raisesNotFound_andWritesNothing() {
        model(MODEL, 1);
        setAlias(MODEL, "champion", 0, 1, 2_000L);
        RegisteredModel modelBefore = store.findModel(MODEL).orElseThrow();
        List<AuditEntry> auditBefore = allAudit();

        assertThatThrownBy(() -> setAlias(MODEL, "champion", 1, 7, 3_000L))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("7").hasMessageContaining(MODEL);
        assertThatThrownBy(() -> setAlias("ghost-model", "champion", 0, 1, 3_000L))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost-model");

        assertThat(store.findModel(MODEL)).contains(modelBefore);
        assertThat(store.listAliasChanges(MODEL)).hasSize(1);
        assertThat(store.listAliasChanges("ghost-model")).isEmpty();
        assertThat(allAudit()).isEqualTo(auditBefore);
    }

    @Test
    void changeAlias_withRequiredStatus_refusesATargetInAnotherState_namingBoth_andAcceptsOneInIt() {
        model(MODEL, 2);
        approve(MODEL, 2);
        List<AuditEntry> auditBefore = allAudit();
        AliasChange toNew = aliasChange(MODEL, "champion", 0, 1, 5_000L);

        assertThatThrownBy(() -> store.changeAlias(new AliasUpdate(toNew, Optional.of(ModelVersionStatus.APPROVED)),
                appender("registry.alias", "champion")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("APPROVED")
                .hasMessageContaining("NEW");
        assertThat(store.findModel(MODEL).orElseThrow().aliases()).isEmpty();
        assertThat(store.listAliasChanges(MODEL)).isEmpty();
        assertThat(allAudit()).isEqualTo(auditBefore);

        AliasChange toApproved = aliasChange(MODEL, "champion", 0, 2, 6_000L);
        store.changeAlias(new AliasUpdate(toApproved, Optional.of(ModelVersionStatus.APPROVED)),
                appender("registry.alias", "champion"));
        assertThat(store.findModel(MODEL).orElseThrow().aliases()).containsExactly(Map.entry("champion", 2));
        assertThat(store.listAliasChanges(MODEL)).containsExactly(toApproved);
        // Deleting needs no target state.
        AliasChange delete = aliasChange(MODEL, "champion", 2, 0, 7_000L);
        store.changeAlias(new AliasUpdate(delete, Optional.of(ModelVersionStatus.APPROVED)), appender("registry.alias", "del"));
        assertThat(store.findModel(MODEL).orElseThrow().aliases()).isEmpty();
    }

    // ---- inventory

    @Test
    void putInventory_roundTripsEveryField_replacesTheRecord_andAuditsEachPut() {
        model(MODEL, 0);
        model("bare-model", 0);
        ModelInventory first = ModelInventory.builder()
                .owner("head-of-retail-credit")
                .developers(List.of("zoe", "alice", "bob"))
                .validator("victor")
                .riskTier(RiskTier.TIER_1)
                .intendedUse("PD for retail loans up to EUR 50k – see policy MRM-7")
                .knownLimitations("Not validated for thin files\nnor for SMEs")
                .nextValidationDue(LocalDate.of(2027, 6, 30))
                .build();
        TestAppender firstAudit = appender("governance.inventory", MODEL);

        store.putInventory(MODEL, first, 2_000L, firstAudit);

        ModelInventory found = store.findInventory(MODEL).orElseThrow();
        assertThat(found).isEqualTo(first);
        assertThat(found.developers()).containsExactly("zoe", "alice", "bob");
        assertThat(found.nextValidationDue()).contains(LocalDate.of(2027, 6, 30));
        assertThat(firstAudit.calls()).isEqualTo(1);

        ModelInventory second = ModelInventory.builder().owner("cro").developers(List.of("bob")).riskTier(RiskTier.TIER_3).build();
        TestAppender secondAudit = appender("governance.inventory", MODEL);
        store.putInventory(MODEL, second, 3_000L, secondAudit);

        assertThat(store.findInventory(MODEL)).contains(second);
        assertThat(store.findInventory(MODEL).orElseThrow().nextValidationDue()).isEmpty();
        assertThat(store.findInventory(MODEL).orElseThrow().validator()).isEmpty();
        assertThat(store.findInventory("bare-model")).isEmpty();
        assertThat(allAudit()).containsExactly(firstAudit.only(), secondAudit.only());
    }

    @Test
    void putInventory_onMissingModel_raisesNotFound_andWritesNothing_whileFindOfMissingIsEmpty() {
        assertThatThrownBy(() -> store.putInventory("ghost-model", ModelInventory.EMPTY, 2_000L,
                appender("governance.inventory", "ghost-model")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost-model");

        assertThat(store.findInventory("ghost-model")).isEmpty();
        assertThat(allAudit()).isEmpty();
    }

    // ---- roles

    @Test
    void grantRole_listsByKindSubjectAndRoleName_replacesAnIdenticalGrant_andAuditsEveryCall() {
        List<RoleGrant> grants = List.of(
                new RoleGrant(SubjectKind.USER, "bob", Role.VIEWER, "root", 1L),
                new RoleGrant(SubjectKind.USER, "bob", Role.ADMIN, "root", 2L),
                new RoleGrant(SubjectKind.USER, "alice", Role.VALIDATOR, "root", 3L),
                new RoleGrant(SubjectKind.GROUP, "validators", Role.VALIDATOR, "root", 4L),
                new RoleGrant(SubjectKind.GROUP, "analysts", Role.DATA_SCIENTIST, "root", 5L));
        List<TestAppender> appenders = new ArrayList<>();
        for (RoleGrant grant : grants) {
            TestAppender audit = appender("governance.grant", grant.subject() + ":" + grant.role());
            store.grantRole(grant, audit);
            appenders.add(audit);
        }

        assertThat(store.listRoleGrants()).containsExactly(grants.get(4), grants.get(3), grants.get(2), grants.get(1),
                grants.get(0));

        RoleGrant again = new RoleGrant(SubjectKind.USER, "alice", Role.VALIDATOR, "admin2", 9L);
        TestAppender againAudit = appender("governance.grant", "alice:VALIDATOR");
        store.grantRole(again, againAudit);

        assertThat(store.listRoleGrants()).containsExactly(grants.get(4), grants.get(3), again, grants.get(1),
                grants.get(0));
        assertThat(appenders).allSatisfy(a -> assertThat(a.calls()).isEqualTo(1));
        assertThat(againAudit.calls()).isEqualTo(1);
        assertThat(allAudit()).hasSize(6).last().isEqualTo(againAudit.only());
    }

    @Test
    void grantRole_everyRole_canBeStored() {
        for (Role role : Role.values()) {
            store.grantRole(new RoleGrant(SubjectKind.USER, "svc", role, "root", 1L),
                    appender("governance.grant", "svc:" + role));
        }

        assertThat(store.listRoleGrants()).extracting(RoleGrant::role).containsExactlyInAnyOrder(Role.values());
    }

    @Test
    void revokeRole_reportsWhetherTheGrantExisted_matchesKindSubjectAndRole_andAuditsEvenAFalseRevoke() {
        RoleGrant bobAdmin = new RoleGrant(SubjectKind.USER, "bob", Role.ADMIN, "root", 1L);
        RoleGrant bobViewer = new RoleGrant(SubjectKind.USER, "bob", Role.VIEWER, "root", 2L);
        store.grantRole(bobAdmin, appender("governance.grant", "bob:ADMIN"));
        store.grantRole(bobViewer, appender("governance.grant", "bob:VIEWER"));

        TestAppender wrongKind = appender("governance.revoke", "group bob:ADMIN");
        assertThat(store.revokeRole(SubjectKind.GROUP, "bob", Role.ADMIN, wrongKind)).isFalse();
        TestAppender revoke = appender("governance.revoke", "bob:ADMIN");
        assertThat(store.revokeRole(SubjectKind.USER, "bob", Role.ADMIN, revoke)).isTrue();
        assertThat(store.listRoleGrants()).containsExactly(bobViewer);
        TestAppender again = appender("governance.revoke", "bob:ADMIN again");
        assertThat(store.revokeRole(SubjectKind.USER, "bob", Role.ADMIN, again)).isFalse();

        assertThat(store.listRoleGrants()).containsExactly(bobViewer);
        assertThat(List.of(wrongKind, revoke, again)).allSatisfy(a -> assertThat(a.calls()).isEqualTo(1));
        List<AuditEntry> audit = allAudit();
        assertUnbrokenChain(audit, 5);
        assertThat(audit.subList(2, 5)).containsExactly(wrongKind.only(), revoke.only(), again.only());
    }

    // ---- the audit log

    @Test
    void appendAudit_chainsFromGenesis_storesEntriesExactly_andReadsThemBackInPages() {
        assertThat(store.lastAudit()).isEmpty();
        assertThat(store.readAudit(1, 10)).isEmpty();

        List<AuditEntry> appended = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            TestAppender audit = i == 3
                    ? new TestAppender("mallory", "registry.approve", "models:/m/" + i, AuditOutcome.DENIED)
                    : appender("tracking.run", "runs/" + i);
            AuditEntry entry = store.appendAudit(audit);
            assertThat(entry).isEqualTo(audit.only());
            assertThat(store.lastAudit()).contains(entry);
            appended.add(entry);
        }

        assertThat(appended.get(0).previousHash()).isEqualTo(AuditEntry.GENESIS_HASH);
        assertUnbrokenChain(appended, 5);
        assertThat(store.readAudit(1, 100)).containsExactlyElementsOf(appended);
        assertThat(store.readAudit(0, 100)).containsExactlyElementsOf(appended);
        assertThat(store.readAudit(2, 2)).containsExactly(appended.get(1), appended.get(2));
        assertThat(store.readAudit(4, 2)).containsExactly(appended.get(3), appended.get(4));
        assertThat(store.readAudit(5, 10)).containsExactly(appended.get(4));
        assertThat(store.readAudit(6, 10)).isEmpty();
        assertThat(store.readAudit(1, 1)).containsExactly(appended.get(0));
        assertThat(store.readAudit(3, 1).get(0).outcome()).isEqualTo(AuditOutcome.DENIED);
        assertThat(store.lastAudit()).contains(appended.get(4));
    }

    @Test
    void appendAudit_fromEightThreads_yieldsSeqOneToTwoHundred_inOneUnbrokenChain() throws Exception {
        List<Callable<List<AuditEntry>>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            TestAppender audit = appender("thread-" + t, "load");
            writers.add(() -> {
                List<AuditEntry> mine = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    mine.add(store.appendAudit(audit));
                }
                assertThat(audit.calls()).isEqualTo(25);
                return mine;
            });
        }

        List<AuditEntry> returned = Concurrently.run(writers).stream().flatMap(List::stream).toList();

        List<AuditEntry> stored = allAudit();
        assertUnbrokenChain(stored, 200);
        assertThat(returned).containsExactlyInAnyOrderElementsOf(stored);
        assertThat(store.lastAudit()).contains(stored.get(199));
    }

    @Test
    void changeAliasAndAppendAudit_concurrently_keepOneUnbrokenChain() throws Exception {
        model(MODEL, 10);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String alias = "alias" + t;
            tasks.add(() -> {
                int from = 0;
                for (int to = 1; to <= 10; to++) {
                    setAlias(MODEL, alias, from, to, 2_000L + to);
                    from = to;
                }
                return from;
            });
            TestAppender audit = appender("writer-" + t, "load");
            tasks.add(() -> {
                for (int i = 0; i < 10; i++) {
                    store.appendAudit(audit);
                }
                return audit.calls();
            });
        }

        assertThat(Concurrently.run(tasks)).containsOnly(10);

        assertUnbrokenChain(allAudit(), 80);
        assertThat(store.findModel(MODEL).orElseThrow().aliases())
                .containsOnly(Map.entry("alias0", 10), Map.entry("alias1", 10), Map.entry("alias2", 10), Map.entry("alias3", 10));
        assertThat(store.listAliasChanges(MODEL)).hasSize(40);
        assertThat(allAudit()).filteredOn(e -> e.action().equals("registry.alias")).hasSize(40);
    }

    @Test
    void failedCalls_leaveTheChainUnchanged_andTheNextAppendLinksToTheLastStoredEntry() {
        model(MODEL, 2);
        store.changeStatus(status(MODEL, 1, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL, "bob", 2_000L),
                appender("registry.request-approval", "v1"));
        setAlias(MODEL, "champion", 0, 2, 2_500L);
        List<AuditEntry> before = allAudit();
        assertThat(before).hasSize(2);

        List<Runnable> failing = List.of(
                () -> store.changeStatus(status(MODEL, 1, ModelVersionStatus.NEW, ModelVersionStatus.ARCHIVED, "root", 3_000L),
                        appender("fail.conflict", "v1")),
                () -> store.changeStatus(status(MODEL, 1, ModelVersionStatus.PENDING_APPROVAL, ModelVersionStatus.APPROVED,
                        "bob", 3_000L), appender("fail.four-eyes", "v1")),
                () -> store.changeStatus(new StatusChange(MODEL, 2, ModelVersionStatus.NEW, ModelVersionStatus.ARCHIVED,
                        "root", 3_000L, "retire", Set.of("champion")), appender("fail.blocked", "v2")),
                () -> store.changeStatus(status(MODEL, 9, ModelVersionStatus.NEW, ModelVersionStatus.ARCHIVED, "root", 3_000L),
                        appender("fail.missing", "v9")),
                () -> setAlias(MODEL, "champion", 1, 2, 3_000L),
                () -> setAlias(MODEL, "champion", 2, 9, 3_000L),
                () -> store.putInventory("ghost-model", ModelInventory.EMPTY, 3_000L, appender("fail.inventory", "ghost")));
        for (Runnable call : failing) {
            assertThatThrownBy(call::run).isInstanceOfAny(ConflictException.class, NotFoundException.class,
                    PermissionDeniedException.class);
            assertThat(allAudit()).isEqualTo(before);
            assertThat(store.lastAudit()).contains(before.get(1));
        }

        TestAppender next = appender("after.failures", "log");
        AuditEntry appended = store.appendAudit(next);
        assertThat(next.calls()).isEqualTo(1);
        assertThat(appended.seq()).isEqualTo(3L);
        assertThat(appended.previousHash()).isEqualTo(before.get(1).hash());
        assertUnbrokenChain(allAudit(), 3);
    }

    @Test
    void aFailingAppender_leavesNoChangeAndNoEntry_andItsExceptionReachesTheCaller() {
        model(MODEL, 1);
        setAlias(MODEL, "champion", 0, 1, 2_000L);
        RegisteredModel modelBefore = store.findModel(MODEL).orElseThrow();
        List<AuditEntry> before = allAudit();
        FailingAppender failing = new FailingAppender();

        List<Runnable> calls = List.of(
                () -> store.changeStatus(status(MODEL, 1, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL,
                        "bob", 3_000L), failing),
                () -> store.changeAlias(new AliasUpdate(aliasChange(MODEL, "champion", 1, 0, 3_000L), Optional.empty()),
                        failing),
                () -> store.putInventory(MODEL, ModelInventory.builder().owner("cro").build(), 3_000L, failing),
                () -> store.grantRole(new RoleGrant(SubjectKind.USER, "bob", Role.ADMIN, "root", 3_000L), failing),
                () -> store.revokeRole(SubjectKind.USER, "bob", Role.ADMIN, failing),
                () -> store.appendAudit(failing));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run).satisfies(t -> assertThat(causeChain(t)).contains(failing.failure));
        }

        assertThat(statusOf(MODEL, 1)).isEqualTo(ModelVersionStatus.NEW);
        assertThat(store.listTransitions(MODEL, 1)).isEmpty();
        assertThat(store.findModel(MODEL)).contains(modelBefore);
        assertThat(store.listAliasChanges(MODEL)).hasSize(1);
        assertThat(store.findInventory(MODEL)).isEmpty();
        assertThat(store.listRoleGrants()).isEmpty();
        assertThat(allAudit()).isEqualTo(before);
    }

    @Test
    void appendAudit_storesEveryOutcome_includingFailedSafetyChecks() {
        for (AuditOutcome outcome : AuditOutcome.values()) {
            store.appendAudit(new TestAppender("alice", "serving.load", "models:/m/1", outcome));
        }

        assertThat(store.readAudit(1, 10)).extracting(AuditEntry::outcome).containsExactly(AuditOutcome.values());
    }
}
