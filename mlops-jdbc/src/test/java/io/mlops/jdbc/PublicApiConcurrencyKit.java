package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.Mlops;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.Registry;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.BatchedMetricLogger;
import io.mlops.api.tracking.BatchingOptions;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.tck.Concurrently;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many threads of one application through the public API, on a JDBC store: the races a bank's
 * services run into (two pods creating the same experiment, CI jobs registering versions of one
 * model at once). Every test releases its threads together, see {@link Concurrently}.
 */
abstract class PublicApiConcurrencyKit {

    private static final int THREADS = 16;
    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(TensorSpec.tensor("features", DataType.FLOAT, List.of(-1L, 4L))),
            List.of(TensorSpec.tensor("score", DataType.FLOAT, List.of(-1L))),
            Map.of());

    private Mlops mlops;

    /** A fresh, empty store; the kit closes it (through {@link Mlops#close()}) after each test. */
    protected abstract MetadataStore newStore();

    @BeforeEach
    void open() {
        mlops = Mlops.builder().metadata(newStore()).artifacts("mem:").build();
    }

    @AfterEach
    void close() {
        // Null when newStore() aborted the test, e.g. because its server is not configured.
        if (mlops != null) {
            mlops.close();
        }
    }

    @Test
    void getOrCreateExperiment_sameNameFrom16Threads_yieldsOneExperiment() throws Exception {
        List<Callable<Experiment>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            tasks.add(() -> mlops.tracking().getOrCreateExperiment("race"));
        }
        List<Experiment> results = Concurrently.run(tasks);

        assertThat(results).extracting(Experiment::id).containsOnly(results.get(0).id());
        assertThat(mlops.tracking().listExperiments()).containsExactly(results.get(0));
    }

    @Test
    void createVersion_oneModelFrom16Threads_yieldsConsecutiveVersions() throws Exception {
        Registry registry = mlops.registry();
        String key = storeArtifact("models/credit-risk/model.bin");
        List<Callable<ModelVersion>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            String description = "thread " + i;
            tasks.add(() -> registry.createVersion(version("credit-risk", key).description(description).build()));
        }
        List<ModelVersion> created = Concurrently.run(tasks);

        List<Integer> oneToSixteen = IntStream.rangeClosed(1, THREADS).boxed().toList();
        assertThat(created).extracting(ModelVersion::version).containsExactlyInAnyOrderElementsOf(oneToSixteen);
        assertThat(registry.listVersions("credit-risk")).extracting(ModelVersion::version).containsExactlyElementsOf(oneToSixteen);
        // Each number went to the thread that was told it, not to another caller's draft.
        for (ModelVersion v : created) {
            assertThat(registry.getVersion("credit-risk", v.version()).description()).isEqualTo(v.description());
        }
        assertThat(registry.getModel("credit-risk").latestVersion()).isEqualTo(THREADS);
    }

    @Test
    void setAlias_movedBy16ThreadsAtOnce_endsOnOneOfTheTargets_andTheModelStaysConsistent() throws Exception {
        Registry registry = mlops.registry();
        String key = storeArtifact("models/scorecard/model.bin");
        for (int i = 0; i < THREADS; i++) {
            registry.createVersion(version("scorecard", key).build());
        }
        registry.setAlias("scorecard", "live", 1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int target = i + 1;
            tasks.add(() -> {
                registry.setAlias("scorecard", "live", target);
                return target;
            });
        }
        // Readers racing the moves: the alias must never be missing or point at a non-version.
        AtomicBoolean moving = new AtomicBoolean(true);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread reader = new Thread(() -> {
                while (moving.get()) {
                    seen.add(registry.resolve("models:/scorecard@live").version());
                }
            });
            reader.start();
            readers.add(reader);
        }
        List<Integer> attempted;
        try {
            attempted = Concurrently.run(tasks);
        } finally {
            moving.set(false);
            for (Thread reader : readers) {
                reader.join(30_000);
            }
        }
        assertThat(seen).isNotEmpty().allSatisfy(v -> assertThat(v).isBetween(1, THREADS));

        RegisteredModel model = registry.getModel("scorecard");
        assertThat(model.aliases()).containsOnlyKeys("live");
        int winner = model.aliases().get("live");
        assertThat(attempted).contains(winner);
        assertThat(registry.resolve("models:/scorecard@live").version()).isEqualTo(winner);
        assertThat(registry.listVersions("scorecard")).hasSize(THREADS);
        assertThat(model.latestVersion()).isEqualTo(THREADS);

        // After the race, the move committed last is the one that holds.
        registry.setAlias("scorecard", "live", winner == 1 ? 2 : 1);
        assertThat(registry.resolve("models:/scorecard@live").version()).isEqualTo(winner == 1 ? 2 : 1);
    }

    @Test
    void logMetric_8ThreadsOnOneRun_keepsEveryPoint() throws Exception {
        try (ActiveRun run = mlops.tracking().startRun("metric-threads")) {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long first = t * 1_000L;
                tasks.add(() -> {
                    for (long step = first; step < first + 100; step++) {
                        run.logMetric("loss", step, step);
                    }
                    return null;
                });
            }
            Concurrently.run(tasks);

            assertThat(mlops.tracking().getMetricHistory(run.id(), "loss")).extracting(Metric::step)
                    .containsExactlyElementsOf(expectedSteps(8, 1_000, 100));
            assertThat(run.snapshot().latestMetrics().get("loss").step()).isEqualTo(7_099L);
            run.finish();
        }
    }

    @Test
    void batchedLogger_8ThreadsOnOneRun_keepsEveryPoint() throws Exception {
        try (ActiveRun run = mlops.tracking().startRun("batched-threads")) {
            BatchingOptions options = BatchingOptions.builder().maxBatchSize(500).bufferCapacity(2_000).build();
            try (BatchedMetricLogger logger = mlops.tracking().batchedLogger(run.id(), options)) {
                List<Callable<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    long first = t * 100_000L;
                    tasks.add(() -> {
                        for (long step = first; step < first + 5_000; step++) {
                            logger.logMetric("loss", step, step);
                        }
                        return null;
                    });
                }
                Concurrently.run(tasks);
            }

            assertThat(mlops.tracking().getMetricHistory(run.id(), "loss")).extracting(Metric::step)
                    .containsExactlyElementsOf(expectedSteps(8, 100_000, 5_000));
            run.finish();
        }
    }

    private static List<Long> expectedSteps(int threads, long stride, int perThread) {
        List<Long> steps = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            LongStream.range(t * stride, t * stride + perThread).forEach(steps::add);
        }
        return steps;
    }

    private String storeArtifact(String key) {
        return mlops.artifacts().put(key, new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8))).key();
    }

    private static NewModelVersion.Builder version(String model, String key) {
        return NewModelVersion.builder(model, key).flavor("custom").signature(SIGNATURE);
    }
}
