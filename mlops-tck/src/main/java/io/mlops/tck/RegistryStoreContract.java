package io.mlops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.NotFoundException;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.MetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link io.mlops.api.spi.RegistryStore} must meet. Subclass it and return a
 * fresh, empty store from {@link #newStore()}; the kit closes it after each test.
 */
public abstract class RegistryStoreContract {

    protected MetadataStore store;

    protected abstract MetadataStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        // Null when newStore() aborted the test, e.g. because its server is not configured.
        if (store != null) {
            store.close();
        }
    }

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
    void createVersion_numbersFromOne_andRoundTripsEveryField() {
        store.createModel("credit-risk", "", Map.of(), 1L);
        ModelVersion first = store.createVersion(draft("credit-risk", "run-a"));
        ModelVersion second = store.createVersion(draft("credit-risk", "run-b"));

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
        assertThatThrownBy(() -> store.createVersion(draft("ghost", "run")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost");
    }

    @Test
    void createVersion_concurrently_yieldsConsecutiveNumbersWithoutGapsOrDuplicates() throws Exception {
        store.createModel("contested", "", Map.of(), 1L);
        List<Callable<Integer>> registrations = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String runId = "run-" + i;
            registrations.add(() -> store.createVersion(draft("contested", runId)).version());
        }
        List<Integer> numbers = Concurrently.run(registrations);

        assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(store.listVersions("contested")).hasSize(8);
    }

    @Test
    void setVersionTag_isStored() {
        store.createModel("m", "", Map.of(), 1L);
        store.createVersion(draft("m", "r"));
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
        store.createVersion(draft("m", "r1"));
        store.createVersion(draft("m", "r2"));

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
        store.createVersion(draft("m", "r1"));
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
            store.createVersion(draft("m", "r" + i));
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
