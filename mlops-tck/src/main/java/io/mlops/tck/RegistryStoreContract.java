package io.mlops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.NotFoundException;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.RegistryStore.VersionAudit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link io.mlops.api.spi.RegistryStore} must meet. Subclass it and return a
 * fresh, empty store from {@link #newStore()}; the kit closes it after each test.
 *
 * <p>A registration with a {@link VersionAudit} is checked as the {@link GovernanceStoreContract}
 * checks governance changes: the entry lands in the same chain, exactly once, after the number is
 * assigned, and a failure anywhere leaves neither version nor entry (nor a gap in the numbers).
 */
public abstract class RegistryStoreContract extends MetadataStoreKit {

    protected static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(TensorSpec.tensor("age", DataType.FLOAT, List.of(-1L, 1L)),
                    TensorSpec.tensor("job", DataType.STRING, List.of(-1L, 1L))),
            List.of(TensorSpec.tensor("label", DataType.STRING, List.of(-1L)),
                    new TensorSpec("probabilities", ValueKind.SEQUENCE_OF_MAPS, DataType.FLOAT, DataType.STRING, List.of())),
            Map.of("classes", "[\"no\",\"yes\"]"));

    protected static ModelVersion draft(String model, String runId) {
        return new ModelVersion(model, 0, runId, "runs/" + runId + "/model.onnx", "0f".repeat(32), 1234L, "onnx",
                SIGNATURE, "first try", Map.of("stage", "dev"), ModelVersionStatus.NEW, "alice", 7_000L);
    }

    @Test
    void createModel_thenFound_andDuplicateRaisesAlreadyExists() {
        RegisteredModel created = store.createModel("credit-risk", "PD model", Map.of("owner", "risk"), 1_000L);

        assertThat(created.latestVersion()).isZero();
        assertThat(store.findModel("credit-risk")).contains(created);
        assertThat(store.findModel("unknown")).isEmpty();
        assertThatThrownBy(() -> store.createModel("credit-risk", "", Map.of(), 2_000L))
                .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("credit-risk");
    }

    @Test
    void listModels_byName() {
        store.createModel("zeta", "", Map.of(), 1L);
        store.createModel("alpha", "", Map.of(), 2L);

        assertThat(store.listModels()).extracting(RegisteredModel::name).containsExactly("alpha", "zeta");
    }

    @Test
    void updateDescriptionAndTags_areStored_andMissingModelIsNotFound() {
        store.createModel("m", "old", Map.of(), 1L);
        RegisteredModel updated = store.updateModelDescription("m", "new", 5L);
        store.setModelTag("m", "owner", "bob", 6L);

        assertThat(updated.description()).isEqualTo("new");
        RegisteredModel found = store.findModel("m").orElseThrow();
        assertThat(found.description()).isEqualTo("new");
        assertThat(found.tags()).containsEntry("owner", "bob");
        assertThat(found.lastUpdatedTime()).isEqualTo(6L);
        assertThatThrownBy(() -> store.updateModelDescription("missing-model", "x", 1L))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("missing-model");
    }

    @Test
    void listVersionsByRun_findsVersionsOfEveryModel_inNameThenVersionOrder() {
        store.createModel("zeta", "", Map.of(), 1L);
        store.createModel("alpha", "", Map.of(), 1L);
        store.createVersion(draft("zeta", "run-a"), null);
        store.createVersion(draft("alpha", "run-b"), null);
        store.createVersion(draft("alpha", "run-a"), null);
        store.createVersion(draft("zeta", "run-a"), null);

        assertThat(store.listVersionsByRun("run-a")).extracting(v -> v.name() + "/" + v.version())
                .containsExactly("alpha/2", "zeta/1", "zeta/2");
        assertThat(store.listVersionsByRun("run-a").get(1)).isEqualTo(store.findVersion("zeta", 1).orElseThrow());
        assertThat(store.listVersionsByRun("no-such-run")).isEmpty();
    }

    @Test
    void createVersion_numbersFromOne_andRoundTripsEveryField() {
        store.createModel("credit-risk", "", Map.of(), 1L);
        ModelVersion first = store.createVersion(draft("credit-risk", "run-a"), null);
        ModelVersion second = store.createVersion(draft("credit-risk", "run-b"), null);

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        ModelVersion found = store.findVersion("credit-risk", 1).orElseThrow();
        assertThat(found).isEqualTo(first);
        assertThat(found.signature()).isEqualTo(SIGNATURE);
        assertThat(found.sha256()).isEqualTo("0f".repeat(32));
        assertThat(store.findModel("credit-risk").orElseThrow().latestVersion()).isEqualTo(2);
        assertThat(store.listVersions("credit-risk")).extracting(ModelVersion::version).containsExactly(1, 2);
        assertThat(store.findVersion("credit-risk", 3)).isEmpty();
    }

    @Test
    void createVersion_forMissingModel_raisesNotFound() {
        assertThatThrownBy(() -> store.createVersion(draft("ghost", "run"), null))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost");
    }

    @Test
    void createVersion_concurrently_yieldsConsecutiveNumbersWithoutGapsOrDuplicates() throws Exception {
        store.createModel("contested", "", Map.of(), 1L);
        List<Callable<Integer>> registrations = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String runId = "run-" + i;
            registrations.add(() -> store.createVersion(draft("contested", runId), null).version());
        }
        List<Integer> numbers = Concurrently.run(registrations);

        assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(store.listVersions("contested")).hasSize(8);
    }

    // ---- registering with its audit entry

    /**
     * A {@link VersionAudit} that records every version it is asked about and returns a kit
     * appender whose target is that version's URI, so the stored entry shows which number the store
     * handed to it.
     */
    private static final class RecordingVersionAudit implements VersionAudit {
        final List<ModelVersion> seen = new CopyOnWriteArrayList<>();
        final List<GovernanceStoreContract.TestAppender> appenders = new CopyOnWriteArrayList<>();

        @Override
        public AuditAppender appenderFor(ModelVersion created) {
            seen.add(created);
            GovernanceStoreContract.TestAppender appender = new GovernanceStoreContract.TestAppender("alice",
                    "registry.createVersion", created.uri().toString(), AuditOutcome.SUCCEEDED);
            appenders.add(appender);
            return appender;
        }
    }

    private List<AuditEntry> allAudit() {
        return store.readAudit(1, 100_000);
    }

    private static List<Throwable> causeChain(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    @Test
    void createVersion_withAudit_appendsExactlyOneEntryNamingTheAssignedVersion_chainedAfterTheLastEntry() {
        store.createModel("credit-risk", "", Map.of(), 1L);
        store.createVersion(draft("credit-risk", "run-a"), null);
        AuditEntry earlier = store.appendAudit(new GovernanceStoreContract.TestAppender("root", "governance.grantRole",
                "user:alice", AuditOutcome.SUCCEEDED));
        RecordingVersionAudit audit = new RecordingVersionAudit();

        ModelVersion created = store.createVersion(draft("credit-risk", "run-b"), audit);

        assertThat(created.version()).isEqualTo(2);
        // Asked once, about the version as returned: with the number the store assigned.
        assertThat(audit.seen).containsExactly(created);
        GovernanceStoreContract.TestAppender appender = audit.appenders.get(0);
        assertThat(appender.calls()).isEqualTo(1);
        AuditEntry entry = appender.only();
        assertThat(entry.seq()).isEqualTo(earlier.seq() + 1);
        assertThat(entry.previousHash()).isEqualTo(earlier.hash());
        assertThat(entry.target()).isEqualTo("models:/credit-risk/2");
        assertThat(allAudit()).containsExactly(earlier, entry);
        assertThat(store.lastAudit()).contains(entry);
        assertThat(store.findVersion("credit-risk", 2)).contains(created);
    }

    @Test
    void createVersion_withoutAudit_appendsNoEntry() {
        store.createModel("m", "", Map.of(), 1L);
        AuditEntry earlier = store.appendAudit(new GovernanceStoreContract.TestAppender("root", "audit.anchor", "a",
                AuditOutcome.SUCCEEDED));

        ModelVersion created = store.createVersion(draft("m", "r"), null);

        assertThat(created.version()).isEqualTo(1);
        assertThat(store.findVersion("m", 1)).contains(created);
        assertThat(allAudit()).containsExactly(earlier);
    }

    @Test
    void createVersion_whoseAuditFails_storesNeitherVersionNorEntry_andTheFailureReachesTheCaller() {
        store.createModel("m", "", Map.of(), 1L);
        ModelVersion first = store.createVersion(draft("m", "r1"), new RecordingVersionAudit());
        RegisteredModel modelBefore = store.findModel("m").orElseThrow();
        List<AuditEntry> auditBefore = allAudit();
        RuntimeException failure = new IllegalStateException("audit failed on purpose");
        List<ModelVersion> askedAbout = new CopyOnWriteArrayList<>();
        List<VersionAudit> failing = List.of(
                created -> {
                    askedAbout.add(created);
                    throw failure;
                },
                created -> {
                    askedAbout.add(created);
                    return (seq, previousHash) -> {
                        throw failure;
                    };
                });

        for (VersionAudit audit : failing) {
            assertThatThrownBy(() -> store.createVersion(draft("m", "r2"), audit))
                    .satisfies(t -> assertThat(causeChain(t)).contains(failure));
            assertThat(store.findModel("m")).contains(modelBefore);
            assertThat(store.listVersions("m")).containsExactly(first);
            assertThat(store.findVersion("m", 2)).isEmpty();
            assertThat(allAudit()).isEqualTo(auditBefore);
        }
        assertThat(askedAbout).extracting(ModelVersion::version).containsExactly(2, 2);

        // The failed registrations left no gap: the next one takes number 2 and links to the last entry.
        RecordingVersionAudit next = new RecordingVersionAudit();
        assertThat(store.createVersion(draft("m", "r3"), next).version()).isEqualTo(2);
        AuditEntry entry = next.appenders.get(0).only();
        assertThat(entry.previousHash()).isEqualTo(auditBefore.get(auditBefore.size() - 1).hash());
        assertThat(allAudit()).hasSize(auditBefore.size() + 1);
    }

    @Test
    void createVersion_forMissingModel_withAudit_asksNothingAndAppendsNothing() {
        RecordingVersionAudit audit = new RecordingVersionAudit();

        assertThatThrownBy(() -> store.createVersion(draft("ghost", "run"), audit))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost");
        assertThat(audit.seen).isEmpty();
        assertThat(allAudit()).isEmpty();
    }

    @Test
    void createVersion_concurrentlyWithAudit_yieldsConsecutiveNumbers_eachWithItsEntry_inOneUnbrokenChain()
            throws Exception {
        store.createModel("contested", "", Map.of(), 1L);
        List<Callable<ModelVersion>> registrations = new ArrayList<>();
        List<RecordingVersionAudit> audits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String runId = "run-" + i;
            RecordingVersionAudit audit = new RecordingVersionAudit();
            audits.add(audit);
            registrations.add(() -> store.createVersion(draft("contested", runId), audit));
        }

        List<ModelVersion> created = Concurrently.run(registrations);

        assertThat(created).extracting(ModelVersion::version).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        List<AuditEntry> chain = allAudit();
        assertThat(chain).hasSize(8);
        String previous = AuditEntry.GENESIS_HASH;
        for (int i = 0; i < chain.size(); i++) {
            AuditEntry e = chain.get(i);
            assertThat(e.seq()).as("seq of entry #%d", i + 1).isEqualTo(i + 1L);
            assertThat(e.previousHash()).as("previousHash of entry %d", e.seq()).isEqualTo(previous);
            assertThat(e.hash()).as("hash of entry %d", e.seq())
                    .isEqualTo(GovernanceStoreContract.hashOf(previous, e.seq(), e.action(), e.target()));
            previous = e.hash();
        }
        for (int i = 0; i < 8; i++) {
            // Each call's entry is the one stored for the number that call got.
            RecordingVersionAudit audit = audits.get(i);
            ModelVersion mine = created.get(i);
            // A lost race may repeat the transaction, asking again; only the last attempt commits.
            assertThat(audit.seen).isNotEmpty().allSatisfy(v -> assertThat(v.runId()).isEqualTo(mine.runId()));
            assertThat(audit.seen.get(audit.seen.size() - 1)).isEqualTo(mine);
            AuditEntry committed = audit.appenders.get(audit.appenders.size() - 1).built().get(0);
            assertThat(chain).contains(committed);
            assertThat(committed.target()).isEqualTo(mine.uri().toString());
        }
        assertThat(store.listVersions("contested")).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void setVersionTag_isStored() {
        store.createModel("m", "", Map.of(), 1L);
        store.createVersion(draft("m", "r"), null);
        store.setVersionTag("m", 1, "validated", "true");

        assertThat(store.findVersion("m", 1).orElseThrow().tags()).containsEntry("validated", "true").containsEntry("stage", "dev");
        assertThatThrownBy(() -> store.setVersionTag("m", 9, "k", "v")).isInstanceOf(NotFoundException.class);
    }

    /** Moves an alias through {@link io.mlops.api.spi.GovernanceStore#changeAlias}, the only way aliases change. */
    private void changeAlias(String model, String alias, int from, int to, long time) {
        AliasChange change = new AliasChange(model, alias, from, to, to == 0 ? AliasAction.DELETE : AliasAction.SET,
                "alice", time, "");
        store.changeAlias(new AliasUpdate(change, Optional.empty()),
                new GovernanceStoreContract.TestAppender("alice", "registry.alias", model + "@" + alias, AuditOutcome.SUCCEEDED));
    }

    @Test
    void changeAlias_pointsMovesAndDeletes() {
        store.createModel("m", "", Map.of(), 1L);
        store.createVersion(draft("m", "r1"), null);
        store.createVersion(draft("m", "r2"), null);

        changeAlias("m", "champion", 0, 1, 10L);
        assertThat(store.findModel("m").orElseThrow().aliases()).containsExactly(Map.entry("champion", 1));
        changeAlias("m", "champion", 1, 2, 11L);
        changeAlias("m", "challenger", 0, 1, 12L);
        assertThat(store.findModel("m").orElseThrow().aliases())
                .containsOnly(Map.entry("champion", 2), Map.entry("challenger", 1));

        changeAlias("m", "challenger", 1, 0, 13L);
        assertThat(store.findModel("m").orElseThrow().lastUpdatedTime()).isEqualTo(13L);
        // Deleting it again: it no longer points at 1, so nothing is deleted.
        assertThatThrownBy(() -> changeAlias("m", "challenger", 1, 0, 14L))
                .isInstanceOf(ConflictException.class).hasMessageContaining("challenger");
        RegisteredModel found = store.findModel("m").orElseThrow();
        assertThat(found.aliases()).containsOnlyKeys("champion");
        assertThat(found.lastUpdatedTime()).isEqualTo(13L);
    }

    @Test
    void changeAlias_toMissingVersionOrModel_raisesNotFound_andChangesNothing() {
        store.createModel("m", "", Map.of(), 1L);
        store.createVersion(draft("m", "r1"), null);
        changeAlias("m", "champion", 0, 1, 2L);

        assertThatThrownBy(() -> changeAlias("m", "champion", 1, 7, 3L))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> changeAlias("ghost", "champion", 0, 1, 3L))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost");
        assertThat(store.findModel("m").orElseThrow().aliases()).containsExactly(Map.entry("champion", 1));
    }

    @Test
    void changeAlias_concurrentCompareAndSetMoves_eachApplyOnce_andLeaveOneOfTheTargets() throws Exception {
        store.createModel("m", "", Map.of(), 1L);
        for (int i = 0; i < 4; i++) {
            store.createVersion(draft("m", "r" + i), null);
        }
        List<Callable<Boolean>> moves = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int target = 1 + i % 4;
            moves.add(() -> {
                // Compare-and-set: read where the alias points, move it from there, retry when another writer won.
                for (int attempt = 0; attempt < 1_000; attempt++) {
                    int current = store.findModel("m").orElseThrow().alias("champion").orElse(0);
                    try {
                        changeAlias("m", "champion", current, target, 100L + target);
                        return true;
                    } catch (ConflictException lostTheRace) {
                        // retry
                    }
                }
                return false;
            });
        }
        assertThat(Concurrently.run(moves)).containsOnly(true);

        int last = store.findModel("m").orElseThrow().aliases().get("champion");
        assertThat(last).isBetween(1, 4);
        // Every move applied exactly once, each from where the one before left the alias.
        List<AliasChange> history = store.listAliasChanges("m");
        assertThat(history).hasSize(8);
        int previous = 0;
        for (AliasChange change : history) {
            assertThat(change.fromVersion()).isEqualTo(previous);
            previous = change.toVersion();
        }
        assertThat(previous).isEqualTo(last);
    }
}
