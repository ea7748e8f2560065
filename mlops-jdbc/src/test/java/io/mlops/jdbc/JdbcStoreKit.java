package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import io.mlops.tck.Concurrently;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the JDBC store adds to the contract kits, on any database: the latest-metric rule in SQL,
 * races between two pools (two application instances), column limits, errors of a closed store.
 * Subclassed for H2 ({@link JdbcMetadataStoreTest}) and PostgreSQL ({@link PostgresJdbcMetadataStoreIT}).
 */
abstract class JdbcStoreKit {

    private final List<JdbcMetadataStore> opened = new ArrayList<>();

    /** The URL of a new, empty database or schema. */
    protected abstract String newDatabaseUrl();

    @AfterEach
    void closeKitStores() {
        opened.forEach(JdbcMetadataStore::close);
    }

    protected JdbcMetadataStore open(String url, Map<String, String> options) {
        JdbcMetadataStore store = JdbcMetadataStore.open(url, options);
        opened.add(store);
        return store;
    }

    protected static Run newRun(Experiment experiment) {
        return new Run(UUID.randomUUID().toString().replace("-", ""), experiment.id(), "r", Optional.empty(),
                RunStatus.RUNNING, 1L, OptionalLong.empty(), "alice", Map.of(), Map.of(), Map.of(), List.of());
    }

    protected static ModelVersion draft(String model) {
        return new ModelVersion(model, 0, "", "models/" + model + ".onnx", "ab".repeat(32), 10L, "onnx",
                ModelSignature.EMPTY, "", Map.of(), ModelVersionStatus.NEW, "alice", 5L);
    }

    @Test
    void latestMetric_prefersHigherStep_thenLaterTimestamp_thenHigherValue() {
        JdbcMetadataStore store = open(newDatabaseUrl(), Map.of());
        Run run = newRun(store.createExperiment("e", "latest", Map.of(), 1L));
        store.createRun(run);

        store.logMetrics(run.id(), List.of(new Metric("m", 0.5, 1, 100L)));
        store.logMetrics(run.id(), List.of(new Metric("m", 0.3, 1, 100L)));
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics().get("m"))
                .as("same step and time: the higher value stays").isEqualTo(new Metric("m", 0.5, 1, 100L));

        store.logMetrics(run.id(), List.of(new Metric("m", 0.9, 1, 100L)));
        store.logMetrics(run.id(), List.of(new Metric("m", 5.0, 0, 999L)));
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics().get("m"))
                .as("a lower step never wins, however late").isEqualTo(new Metric("m", 0.9, 1, 100L));

        store.logMetrics(run.id(), List.of(new Metric("m", 0.1, 1, 200L)));
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics().get("m"))
                .as("same step, later time wins even with a lower value").isEqualTo(new Metric("m", 0.1, 1, 200L));

        store.logMetrics(run.id(), List.of(new Metric("b", 1.0, 3, 1L), new Metric("b", 9.0, 2, 9L)));
        assertThat(store.findRun(run.id()).orElseThrow().latestMetrics().get("b"))
                .as("within one batch").isEqualTo(new Metric("b", 1.0, 3, 1L));
        assertThat(store.metricHistory(run.id(), "m")).hasSize(5);
    }

    @Test
    void createVersion_fromEightThreadsOverTwoPools_numbersConsecutively() throws Exception {
        // Two stores on one database stand in for two application instances.
        String url = newDatabaseUrl();
        List<JdbcMetadataStore> instances = List.of(open(url, Map.of()), open(url, Map.of()));
        instances.get(0).createModel("contested", "", Map.of(), 1L);
        List<Callable<List<Integer>>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            JdbcMetadataStore store = instances.get(t % 2);
            writers.add(() -> {
                List<Integer> mine = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    mine.add(store.createVersion(draft("contested"), null).version());
                }
                return mine;
            });
        }

        List<Integer> numbers = Concurrently.run(writers).stream().flatMap(List::stream).sorted().toList();

        List<Integer> expected = IntStream.rangeClosed(1, 40).boxed().toList();
        assertThat(numbers).isEqualTo(expected);
        assertThat(instances.get(1).findModel("contested").orElseThrow().latestVersion()).isEqualTo(40);
        assertThat(instances.get(1).listVersions("contested")).extracting(ModelVersion::version).isEqualTo(expected);
    }

    @Test
    void createModel_sameNameFromEightThreadsOverTwoPools_hasOneWinner() throws Exception {
        String url = newDatabaseUrl();
        List<JdbcMetadataStore> instances = List.of(open(url, Map.of()), open(url, Map.of()));
        List<Callable<String>> attempts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            JdbcMetadataStore store = instances.get(t % 2);
            attempts.add(() -> {
                try {
                    store.createModel("credit-risk", "", Map.of(), 1L);
                    return "won";
                } catch (AlreadyExistsException e) {
                    return e.getMessage();
                }
            });
        }

        List<String> outcomes = Concurrently.run(attempts);

        assertThat(outcomes).containsOnlyOnce("won");
        assertThat(outcomes).filteredOn(o -> !o.equals("won")).hasSize(7)
                .allSatisfy(message -> assertThat(message).contains("'credit-risk'"));
    }

    @Test
    void saveLabelIfAbsent_fromEightThreadsOverTwoPools_hasOneWinner() throws Exception {
        String url = newDatabaseUrl();
        List<JdbcMetadataStore> instances = List.of(open(url, Map.of()), open(url, Map.of()));
        List<Callable<Optional<String>>> callers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            JdbcMetadataStore store = instances.get(t % 2);
            String label = "label-" + t;
            callers.add(() -> store.saveLabelIfAbsent("credit-risk", "req-contested", label, 1L));
        }

        List<Optional<String>> outcomes = Concurrently.run(callers);

        assertThat(outcomes).filteredOn(Optional::isEmpty).hasSize(1);
        String winner = "label-" + outcomes.indexOf(Optional.<String>empty());
        assertThat(outcomes).filteredOn(Optional::isPresent).hasSize(7).containsOnly(Optional.of(winner));
        assertThat(instances.get(1).saveLabelIfAbsent("credit-risk", "req-contested", "late", 2L)).contains(winner);
    }

    @Test
    void createExperiment_duplicateId_namesTheIdNotTheName() {
        JdbcMetadataStore store = open(newDatabaseUrl(), Map.of());
        store.createExperiment("e-1", "first", Map.of(), 1L);

        assertThatThrownBy(() -> store.createExperiment("e-1", "second", Map.of(), 2L))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("experiment id 'e-1'");
    }

    @Test
    void longestValuesTheApiAllows_roundTrip() {
        JdbcMetadataStore store = open(newDatabaseUrl(), Map.of());
        Run run = newRun(store.createExperiment("e", "limits", Map.of(), 1L));
        store.createRun(run);
        String key = "k".repeat(250);
        String param = "p".repeat(6000);
        String tag = "t".repeat(8000);

        store.putParamIfAbsent(run.id(), key, param);
        store.setRunTag(run.id(), key, tag);

        Run found = store.findRun(run.id()).orElseThrow();
        assertThat(found.params()).containsExactly(Map.entry(key, param));
        assertThat(found.tags()).containsEntry(key, tag);
    }

    @Test
    void valueLongerThanItsColumn_raisesInvalidArgument_andStoresNothing() {
        JdbcMetadataStore store = open(newDatabaseUrl(), Map.of());
        Run run = newRun(store.createExperiment("e", "too-long", Map.of(), 1L));
        store.createRun(run);

        assertThatThrownBy(() -> store.putParamIfAbsent(run.id(), "lr", "x".repeat(6001)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("param 'lr' of run '" + run.id() + "'");
        assertThat(store.findRun(run.id()).orElseThrow().params()).isEmpty();
    }

    @Test
    void closedStore_failsEveryCallWithAClearNonRetryableError() {
        JdbcMetadataStore store = JdbcMetadataStore.open(newDatabaseUrl(), Map.of());
        store.close();
        store.close();

        assertThatThrownBy(store::listExperiments)
                .isInstanceOf(MlopsException.class)
                .hasMessageContaining("is closed")
                .hasMessageContaining(store.description())
                .satisfies(e -> assertThat(((MlopsException) e).retryable()).isFalse());
        assertThatThrownBy(() -> store.createModel("m", "", Map.of(), 1L))
                .hasMessageContaining("create registered model 'm'").hasMessageContaining("is closed");
    }
}
