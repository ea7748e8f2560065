package io.mlops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.data.ColumnProfile;
import io.mlops.api.data.DatasetKind;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetColumn;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link io.mlops.api.spi.TrackingStore} must meet. Subclass it in the
 * implementation's tests and return a fresh, empty store from {@link #newStore()}:
 *
 * <pre>{@code
 * class H2TrackingStoreTest extends TrackingStoreContract {
 *     protected MetadataStore newStore() {
 *         return JdbcMetadataStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Map.of());
 *     }
 * }
 * }</pre>
 */
public abstract class TrackingStoreContract {

    protected MetadataStore store;

    /** A new, empty store; the kit closes it after each test. */
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

    protected static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    protected Experiment experiment(String name) {
        return store.createExperiment(newId(), name, Map.of("team", "risk"), 1_000L);
    }

    protected Run runIn(Experiment experiment, String runId, long startTime) {
        Run run = new Run(runId, experiment.id(), "run-" + runId.substring(0, 6), Optional.empty(), RunStatus.RUNNING,
                startTime, OptionalLong.empty(), "alice", Map.of(), Map.of("origin", "tck"), Map.of(), List.of());
        store.createRun(run);
        return run;
    }

    @Test
    void createExperiment_thenFoundByIdAndName() {
        Experiment created = experiment("credit-risk");

        assertThat(store.findExperimentById(created.id())).contains(created);
        assertThat(store.findExperimentByName("credit-risk")).contains(created);
        assertThat(created.tags()).containsEntry("team", "risk");
        assertThat(store.findExperimentByName("other")).isEmpty();
        assertThat(store.findExperimentById(newId())).isEmpty();
    }

    @Test
    void createExperiment_duplicateName_raisesAlreadyExists() {
        experiment("credit-risk");

        assertThatThrownBy(() -> experiment("credit-risk"))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("credit-risk");
    }

    @Test
    void createExperiment_sameNameConcurrently_exactlyOneWins() throws Exception {
        List<Callable<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            attempts.add(() -> {
                try {
                    experiment("contested");
                    return true;
                } catch (AlreadyExistsException e) {
                    return false;
                }
            });
        }
        List<Boolean> outcomes = Concurrently.run(attempts);

        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(store.listExperiments()).extracting(Experiment::name).containsOnlyOnce("contested");
    }

    @Test
    void listExperiments_oldestFirst() {
        Experiment a = store.createExperiment(newId(), "a", Map.of(), 1_000L);
        Experiment b = store.createExperiment(newId(), "b", Map.of(), 2_000L);

        assertThat(store.listExperiments()).containsExactly(a, b);
    }

    @Test
    void setExperimentTag_replacesValue_andMissingExperimentIsNotFound() {
        Experiment e = experiment("tags");
        store.setExperimentTag(e.id(), "team", "treasury");
        store.setExperimentTag(e.id(), "owner", "bob");

        assertThat(store.findExperimentById(e.id()).orElseThrow().tags())
                .containsEntry("team", "treasury").containsEntry("owner", "bob");
        assertThatThrownBy(() -> store.setExperimentTag("missing-experiment", "k", "v"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("missing-experiment");
    }

    @Test
    void createRun_roundTripsEveryField() {
        Experiment e = experiment("runs");
        String parentId = newId();
        runIn(e, parentId, 5_000L);
        Run child = new Run(newId(), e.id(), "child", Optional.of(parentId), RunStatus.RUNNING, 6_000L,
                OptionalLong.empty(), "bob", Map.of(), Map.of("k", "v"), Map.of(), List.of());
        store.createRun(child);

        Run found = store.findRun(child.id()).orElseThrow();
        assertThat(found).isEqualTo(child);
        assertThat(found.parentRunId()).contains(parentId);
    }

    @Test
    void createRun_inMissingExperiment_raisesNotFound() {
        Run orphan = new Run(newId(), "no-such-experiment", "x", Optional.empty(), RunStatus.RUNNING, 1L,
                OptionalLong.empty(), "alice", Map.of(), Map.of(), Map.of(), List.of());

        assertThatThrownBy(() -> store.createRun(orphan))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-experiment");
        assertThat(store.findRun(orphan.id())).isEmpty();
    }

    @Test
    void createRun_duplicateId_raisesAlreadyExists() {
        Experiment e = experiment("dup-run");
        String id = newId();
        runIn(e, id, 1L);

        assertThatThrownBy(() -> runIn(e, id, 2L)).isInstanceOf(AlreadyExistsException.class);
    }

    @Test
    void listRuns_newestFirst_onlyThatExperiment() {
        Experiment e = experiment("list");
        Experiment other = experiment("other");
        Run older = runIn(e, newId(), 1_000L);
        Run newer = runIn(e, newId(), 2_000L);
        runIn(other, newId(), 3_000L);

        assertThat(store.listRuns(e.id())).extracting(Run::id).containsExactly(newer.id(), older.id());
    }

    @Test
    void endRun_movesOnlyARunningRun() {
        Experiment e = experiment("end");
        Run run = runIn(e, newId(), 1_000L);

        assertThat(store.endRun(run.id(), RunStatus.FINISHED, 9_000L)).isTrue();
        assertThat(store.endRun(run.id(), RunStatus.FAILED, 9_500L)).isFalse();

        Run ended = store.findRun(run.id()).orElseThrow();
        assertThat(ended.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(ended.endTime()).hasValue(9_000L);
    }

    @Test
    void putParamIfAbsent_firstWins_andReportsTheStoredValue() {
        Run run = runIn(experiment("params"), newId(), 1L);

        assertThat(store.putParamIfAbsent(run.id(), "lr", "0.1")).isEmpty();
        assertThat(store.putParamIfAbsent(run.id(), "lr", "0.2")).contains("0.1");
        assertThat(store.putParamIfAbsent(run.id(), "lr", "0.1")).contains("0.1");
        assertThat(store.findRun(run.id()).orElseThrow().params()).containsExactly(Map.entry("lr", "0.1"));
    }

    @Test
    void putParamIfAbsent_concurrentDifferentValues_exactlyOneStored() throws Exception {
        Run run = runIn(experiment("param-race"), newId(), 1L);
        List<Callable<Optional<String>>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String value = "v" + i;
            attempts.add(() -> store.putParamIfAbsent(run.id(), "seed", value));
        }
        List<Optional<String>> outcomes = Concurrently.run(attempts);

        assertThat(outcomes).filteredOn(Optional::isEmpty).hasSize(1);
        String stored = store.findRun(run.id()).orElseThrow().params().get("seed");
        assertThat(outcomes).filteredOn(Optional::isPresent).allSatisfy(o -> assertThat(o).contains(stored));
    }

    @Test
    void putParamIfAbsent_missingRun_raisesNotFound() {
        assertThatThrownBy(() -> store.putParamIfAbsent("no-such-run", "k", "v"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-run");
    }

    @Test
    void logMetrics_keepsFullHistoryInStepOrder_andLatestFollowsStepThenTimestamp() {
        Run run = runIn(experiment("metrics"), newId(), 1L);
        store.logMetrics(run.id(), List.of(
                new Metric("loss", 0.9, 0, 100L),
                new Metric("loss", 0.5, 2, 300L),
                new Metric("loss", 0.7, 1, 400L),
                new Metric("auc", 0.6, 0, 100L)));
        store.logMetrics(run.id(), List.of(new Metric("loss", 0.4, 2, 350L)));

        assertThat(store.metricHistory(run.id(), "loss")).containsExactly(
                new Metric("loss", 0.9, 0, 100L),
                new Metric("loss", 0.7, 1, 400L),
                new Metric("loss", 0.5, 2, 300L),
                new Metric("loss", 0.4, 2, 350L));
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics())
                .containsEntry("loss", new Metric("loss", 0.4, 2, 350L))
                .containsEntry("auc", new Metric("auc", 0.6, 0, 100L));
        assertThat(store.metricHistory(run.id(), "never-logged")).isEmpty();
    }

    @Test
    void logMetrics_fromManyThreads_keepsEveryPoint() throws Exception {
        Run run = runIn(experiment("metric-threads"), newId(), 1L);
        List<Callable<Boolean>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            writers.add(() -> {
                for (int i = 0; i < 25; i++) {
                    store.logMetrics(run.id(), List.of(new Metric("m", thread * 1000 + i, thread * 1000L + i, 1L)));
                }
                return true;
            });
        }
        Concurrently.run(writers);

        assertThat(store.metricHistory(run.id(), "m")).hasSize(200);
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics().get("m").step()).isEqualTo(7024L);
    }

    @Test
    void logMetrics_sameBatchTwice_storesEachPointOnce() {
        Run run = runIn(experiment("metric-identity"), newId(), 1L);
        List<Metric> batch = List.of(
                new Metric("loss", 0.9, 0, 100L),
                new Metric("loss", 0.7, 1, 200L),
                new Metric("auc", 0.6, 1, 200L));
        store.logMetrics(run.id(), batch);
        store.logMetrics(run.id(), batch);

        assertThat(store.metricHistory(run.id(), "loss")).containsExactly(batch.get(0), batch.get(1));
        assertThat(store.metricHistory(run.id(), "auc")).containsExactly(batch.get(2));
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics())
                .containsEntry("loss", batch.get(1))
                .containsEntry("auc", batch.get(2));
    }

    @Test
    void logMetrics_batchMixingStoredAndNewPoints_storesOnlyTheNewOnes() {
        Run run = runIn(experiment("metric-identity-mixed"), newId(), 1L);
        Metric stored = new Metric("loss", 0.9, 0, 100L);
        store.logMetrics(run.id(), List.of(stored));
        // Differs from the stored point in exactly one component each: all of them are new points.
        Metric otherValue = new Metric("loss", 0.8, 0, 100L);
        Metric otherTime = new Metric("loss", 0.9, 0, 101L);
        Metric otherStep = new Metric("loss", 0.9, 1, 100L);
        Metric otherKey = new Metric("acc", 0.9, 0, 100L);
        Metric repeatedInBatch = new Metric("loss", 0.5, 2, 300L);
        store.logMetrics(run.id(), List.of(stored, otherValue, repeatedInBatch, otherTime, otherStep, otherKey,
                repeatedInBatch, stored));

        assertThat(store.metricHistory(run.id(), "loss"))
                .containsExactlyInAnyOrder(stored, otherValue, otherTime, otherStep, repeatedInBatch);
        assertThat(store.metricHistory(run.id(), "acc")).containsExactly(otherKey);
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics()).containsEntry("loss", repeatedInBatch);
    }

    @Test
    void logMetrics_missingRun_raisesNotFound_andStoresNothing() {
        assertThatThrownBy(() -> store.logMetrics("no-such-run", List.of(new Metric("m", 1, 0, 1L))))
                .isInstanceOf(NotFoundException.class);
        assertThat(store.metricHistory("no-such-run", "m")).isEmpty();
    }

    @Test
    void setRunTag_replacesValue() {
        Run run = runIn(experiment("run-tags"), newId(), 1L);
        store.setRunTag(run.id(), "origin", "notebook");

        assertThat(store.findRun(run.id()).orElseThrow().tags()).containsEntry("origin", "notebook");
        assertThatThrownBy(() -> store.setRunTag("no-such-run", "k", "v")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void logInputs_roundTripsDataset_andIgnoresExactDuplicates() {
        Run run = runIn(experiment("inputs"), newId(), 1L);
        Dataset data = Dataset.builder("bank-marketing", "sha256:" + "ab".repeat(32))
                .source("file:/data/bank.csv")
                .rowCount(41_188)
                .schema(List.of(new DatasetColumn("age", "integer"), new DatasetColumn("job", "string")))
                .build();
        Dataset noRows = Dataset.builder("holdout", "sha256:" + "cd".repeat(32)).build();
        store.logInputs(run.id(), List.of(new DatasetInput(data, "training"), new DatasetInput(noRows, "test")));
        store.logInputs(run.id(), List.of(new DatasetInput(data, "training"), new DatasetInput(data, "validation")));

        assertThat(store.findRun(run.id()).orElseThrow().inputs()).containsExactlyInAnyOrder(
                new DatasetInput(data, "training"), new DatasetInput(noRows, "test"), new DatasetInput(data, "validation"));
    }

    protected static DatasetVersion datasetVersion(String name, String digest, String createdBy, long time) {
        Map<Double, Double> quantiles = new LinkedHashMap<>();
        quantiles.put(0.5, 38.0);
        quantiles.put(0.99, 71.0);
        Map<String, Long> top = new LinkedHashMap<>();
        top.put("admin.", 10_422L);
        top.put("blue-collar", 9_254L);
        List<ColumnProfile> profile = List.of(
                new ColumnProfile("age", "integer", 41_188, 0, java.util.OptionalLong.of(78), OptionalDouble.of(17),
                        OptionalDouble.of(98), OptionalDouble.of(40.02), quantiles, Map.of()),
                new ColumnProfile("job", "string", 41_000, 188, java.util.OptionalLong.empty(), OptionalDouble.empty(),
                        OptionalDouble.empty(), OptionalDouble.empty(), Map.of(), top));
        return new DatasetVersion(name, digest, DatasetKind.FILE, "file:/data/bank.csv", 1, 4_882_918L,
                OptionalLong.of(41_188), List.of(new DatasetColumn("age", "integer"), new DatasetColumn("job", "string")),
                profile, createdBy, time);
    }

    @Test
    void saveDatasetVersion_roundTripsEveryField_andKeepsTheFirstOfEqualNameAndDigest() {
        String digest = "sha256:" + "ab".repeat(32);
        DatasetVersion first = datasetVersion("bank-marketing", digest, "dana", 1_000L);

        assertThat(store.saveDatasetVersion(first)).isEqualTo(first);
        DatasetVersion again = store.saveDatasetVersion(datasetVersion("bank-marketing", digest, "erin", 2_000L));

        assertThat(again).isEqualTo(first);
        assertThat(store.findDatasetVersions(digest)).containsExactly(first);
        assertThat(store.listDatasetVersions("bank-marketing").get(0).profile().get(0).quantiles())
                .containsExactly(Map.entry(0.5, 38.0), Map.entry(0.99, 71.0));
        assertThat(store.listDatasetVersions("bank-marketing").get(0).profile().get(1).topValues().keySet())
                .containsExactly("admin.", "blue-collar");
    }

    @Test
    void datasetVersions_byNameNewestFirst_andByDigestAcrossNames() {
        String a = "sha256:" + "0a".repeat(32);
        String b = "sha256:" + "0b".repeat(32);
        DatasetVersion older = store.saveDatasetVersion(datasetVersion("loans", a, "dana", 1_000L));
        DatasetVersion newer = store.saveDatasetVersion(datasetVersion("loans", b, "dana", 2_000L));
        DatasetVersion sameBytesOtherName = store.saveDatasetVersion(datasetVersion("loans-copy", a, "erin", 3_000L));
        DatasetVersion noRows = store.saveDatasetVersion(new DatasetVersion("images", "sha256:" + "0c".repeat(32),
                DatasetKind.FOLDER, "file:/data/images/", 3, 99L, OptionalLong.empty(), List.of(), List.of(), "dana", 4_000L));

        assertThat(store.listDatasetVersions("loans")).containsExactly(newer, older);
        assertThat(store.findDatasetVersions(a)).containsExactly(older, sameBytesOtherName);
        assertThat(store.findDatasetVersions(noRows.digest())).containsExactly(noRows);
        assertThat(store.listDatasetVersions("nothing")).isEmpty();
        assertThat(store.findDatasetVersions("sha256:" + "ff".repeat(32))).isEmpty();
    }

    @Test
    void saveDatasetVersion_concurrently_storesOne() throws Exception {
        String digest = "sha256:" + "dd".repeat(32);
        List<Callable<DatasetVersion>> writers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String who = "user" + i;
            long time = 1_000L + i;
            writers.add(() -> store.saveDatasetVersion(datasetVersion("concurrent", digest, who, time)));
        }
        List<DatasetVersion> results = Concurrently.run(writers);

        assertThat(store.findDatasetVersions(digest)).hasSize(1);
        assertThat(results).allSatisfy(v -> assertThat(v).isEqualTo(store.findDatasetVersions(digest).get(0)));
    }

    @Test
    void runIdsWithInput_listsEachRunOnce_oldestFirst() {
        Experiment e = experiment("lineage");
        Run late = runIn(e, newId(), 5_000L);
        Run early = runIn(e, newId(), 1_000L);
        Run other = runIn(e, newId(), 3_000L);
        Dataset data = Dataset.builder("bank-marketing", "sha256:" + "ee".repeat(32)).build();
        store.logInputs(late.id(), List.of(new DatasetInput(data, "training"), new DatasetInput(data, "test")));
        store.logInputs(early.id(), List.of(new DatasetInput(data, "validation")));
        store.logInputs(other.id(), List.of(new DatasetInput(Dataset.builder("x", "sha256:" + "11".repeat(32)).build(), "training")));

        assertThat(store.runIdsWithInput(data.digest())).containsExactly(early.id(), late.id());
        assertThat(store.runIdsWithInput("sha256:" + "22".repeat(32))).isEmpty();
    }
}
