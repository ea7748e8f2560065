package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlops.Mlops;
import io.mlops.api.ConflictException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.ModelUri;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.serving.ModelServer;
import io.mlops.serving.ServedModel;
import io.mlops.serving.ServingState;
import io.mlops.stores.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model server against real ONNX models: versions of {@code y = x * factor} with a different
 * factor each, so every answer shows which version gave it.
 */
class ModelServerTest {

    private static final String MODEL = "scale";
    private static final ModelUri CHAMPION = ModelUri.ofAlias(MODEL, "champion");

    private InMemoryArtifactStore artifacts;
    private Mlops mlops;

    @BeforeEach
    void openMlops() {
        artifacts = new InMemoryArtifactStore();
        mlops = Mlops.builder().metadata("mem:").artifacts(artifacts).principal(Principal.of("alice"))
                .roles(RoleMapping.builder().everyone(Role.DATA_SCIENTIST).user("victor", Role.VALIDATOR).build())
                .build();
    }

    @AfterEach
    void closeMlops() {
        mlops.close();
    }

    private ModelVersion register(float factor) {
        String key = "models/scale-" + factor + "-" + System.nanoTime() + ".onnx";
        artifacts.put(key, new ByteArrayInputStream(ScalingModel.times(factor)));
        return mlops.registry().createVersion(NewModelVersion.builder(MODEL, key).build());
    }

    /** The governed path: alice asks, victor approves and moves the protected alias. */
    private void champion(ModelVersion version) {
        Mlops victor = mlops.as(Principal.of("victor"));
        if (mlops.registry().getVersion(MODEL, version.version()).status() == ModelVersionStatus.NEW) {
            mlops.governance().requestApproval(MODEL, version.version(), "scaling factor checked");
            victor.governance().approve(MODEL, version.version(), "validated");
        }
        victor.registry().setAlias(MODEL, "champion", version.version());
    }

    private static double answer(Scorer scorer, double x) {
        return scorer.score(Map.of("x", x)).values().get(0);
    }

    private ModelServer.Builder server() {
        return ModelServer.builder(mlops).pollInterval(Duration.ZERO);
    }

    @Test
    void scorer_byAlias_servesTheAliasedVersionThroughOneSharedHandle() {
        ModelVersion v1 = register(2f);
        champion(v1);
        try (ModelServer server = server().build()) {
            Scorer scorer = server.scorer(CHAMPION);

            assertThat(answer(scorer, 3.0)).isEqualTo(6.0);
            assertThat(scorer.version().version()).isEqualTo(v1.version());
            assertThat(scorer.features()).containsExactly(new FeatureSpec("x", FeatureSpec.FeatureType.NUMBER));
            assertThat(server.scorer("models:/scale@champion")).isSameAs(scorer);
            ServedModel status = server.status(CHAMPION).orElseThrow();
            assertThat(status.state()).isEqualTo(ServingState.SERVING);
            assertThat(status.version().version()).isEqualTo(v1.version());
            assertThat(status.problem()).isEmpty();
            assertThat(server.healthy()).isTrue();
        }
    }

    @Test
    void scorer_unknownAlias_failsAndServesNothing() {
        register(2f);
        try (ModelServer server = server().build()) {
            assertThatThrownBy(() -> server.scorer(CHAMPION)).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("champion");
            assertThat(server.status()).isEmpty();
            assertThat(server.healthy()).isFalse();
        }
    }

    @Test
    void refresh_afterAliasMoves_servesTheNewVersionThroughTheSameHandle() {
        ModelVersion v1 = register(2f);
        ModelVersion v2 = register(10f);
        champion(v1);
        try (ModelServer server = server().build()) {
            Scorer scorer = server.scorer(CHAMPION);
            champion(v2);
            assertThat(answer(scorer, 1.0)).as("no refresh yet").isEqualTo(2.0);

            server.refresh();

            assertThat(answer(scorer, 1.0)).isEqualTo(10.0);
            assertThat(scorer.version().version()).isEqualTo(v2.version());
            assertThat(server.status(CHAMPION).orElseThrow().swaps()).isEqualTo(1);
        }
    }

    @Test
    void scorer_fixedVersion_isNotMovedByAliasChanges() {
        ModelVersion v1 = register(2f);
        ModelVersion v2 = register(10f);
        champion(v2);
        try (ModelServer server = server().build()) {
            Scorer fixed = server.scorer(ModelUri.ofVersion(MODEL, v1.version()));
            server.refresh();
            assertThat(answer(fixed, 1.0)).isEqualTo(2.0);
            assertThat(server.status(ModelUri.ofVersion(MODEL, v1.version())).orElseThrow().swaps()).isZero();
        }
    }

    /** The acceptance test: 32 callers, 20 swaps, no failed call, every answer from v1 or v2. */
    @Test
    void swaps_underThirtyTwoConcurrentCallers_failNoCallAndAnswerOnlyFromOldOrNew() throws Exception {
        ModelVersion v1 = register(2f);
        ModelVersion v2 = register(3f);
        champion(v1);
        int callers = 32;
        int swaps = 20;
        try (ModelServer server = server().build()) {
            Scorer scorer = server.scorer(CHAMPION);
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            Set<Double> answers = ConcurrentHashMap.newKeySet();
            CountDownLatch started = new CountDownLatch(callers);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                running.add(pool.submit(() -> {
                    started.countDown();
                    while (!stop.get()) {
                        answers.add(answer(scorer, 1.0)); // any exception fails the future
                        calls.incrementAndGet();
                    }
                    return null;
                }));
            }
            started.await();
            for (int s = 0; s < swaps; s++) {
                champion(s % 2 == 0 ? v2 : v1);
                server.refresh();
                long before = calls.get();
                while (calls.get() < before + callers) {
                    Thread.onSpinWait(); // let calls run on the new version before the next swap
                }
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(answers).containsExactlyInAnyOrder(2.0, 3.0);
            assertThat(calls.get()).isGreaterThan(swaps * (long) callers);
            assertThat(server.status(CHAMPION).orElseThrow().swaps()).isEqualTo(swaps);
            assertThat(answer(scorer, 1.0)).as("20 swaps end on v1").isEqualTo(2.0);
        }
    }

    @Test
    void refresh_whenNewVersionFailsVerification_keepsServingLastGoodAndReportsDegraded() {
        ModelVersion v1 = register(2f);
        ModelVersion v2 = register(10f);
        champion(v1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ModelServer server = server().retryBackoff(Duration.ofSeconds(2)).meterRegistry(meters).build()) {
            Scorer scorer = server.scorer(CHAMPION);
            InMemoryArtifactStore.tamper(artifacts, v2.artifactKey(), ScalingModel.times(99f));
            champion(v2);

            server.refresh();

            ServedModel status = server.status(CHAMPION).orElseThrow();
            assertThat(status.state()).isEqualTo(ServingState.DEGRADED);
            assertThat(status.version().version()).isEqualTo(v1.version());
            assertThat(status.problem()).hasValueSatisfying(p -> assertThat(p)
                    .contains("version " + v2.version()).contains("sha256").contains("still serving version " + v1.version()));
            assertThat(status.nextRetry()).hasValueSatisfying(t -> assertThat(t).isAfter(status.lastChecked()));
            assertThat(server.healthy()).isFalse();
            assertThat(answer(scorer, 1.0)).isEqualTo(2.0);
            assertThat(meters.get("mlops.serving.degraded").tag("uri", CHAMPION.toString()).gauge().value()).isEqualTo(1.0);

            // A second failure doubles the wait.
            server.refresh();
            ServedModel again = server.status(CHAMPION).orElseThrow();
            assertThat(Duration.between(again.lastChecked(), again.nextRetry().orElseThrow()))
                    .isEqualTo(Duration.ofSeconds(4));

            // Pointing the alias at a good version heals it.
            ModelVersion v3 = register(5f);
            champion(v3);
            server.refresh();
            ServedModel healed = server.status(CHAMPION).orElseThrow();
            assertThat(healed.state()).isEqualTo(ServingState.SERVING);
            assertThat(healed.problem()).isEmpty();
            assertThat(healed.nextRetry()).isEmpty();
            assertThat(answer(scorer, 1.0)).isEqualTo(5.0);
            assertThat(meters.get("mlops.serving.degraded").tag("uri", CHAMPION.toString()).gauge().value()).isZero();
            assertThat(server.healthy()).isTrue();
        }
    }

    @Test
    void degraded_retriesOnItsOwnAfterTheBackoff_evenWithPollingOff() throws InterruptedException {
        ModelVersion v1 = register(2f);
        ModelVersion v2 = register(10f);
        champion(v1);
        try (ModelServer server = server().retryBackoff(Duration.ofMillis(20)).build()) {
            Scorer scorer = server.scorer(CHAMPION);
            InMemoryArtifactStore.tamper(artifacts, v2.artifactKey(), ScalingModel.times(99f));
            champion(v2);
            server.refresh();
            assertThat(server.status(CHAMPION).orElseThrow().state()).isEqualTo(ServingState.DEGRADED);

            // The damaged copy is restored, as an operator would after an incident.
            InMemoryArtifactStore.tamper(artifacts, v2.artifactKey(), ScalingModel.times(10f));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.status(CHAMPION).orElseThrow().state() == ServingState.DEGRADED
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            assertThat(server.status(CHAMPION).orElseThrow().state()).isEqualTo(ServingState.SERVING);
            assertThat(answer(scorer, 1.0)).isEqualTo(10.0);
        }
    }

    @Test
    void scorer_whoseFirstVersionFailsVerification_refusesToServe() {
        ModelVersion v1 = register(2f);
        champion(v1);
        InMemoryArtifactStore.tamper(artifacts, v1.artifactKey(), ScalingModel.times(99f));
        try (ModelServer server = server().build()) {
            assertThatThrownBy(() -> server.scorer(CHAMPION)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining(v1.sha256());
            assertThat(server.status()).isEmpty();
        }
    }

    @Test
    void polling_picksUpAMovedAliasWithoutRefresh() throws InterruptedException {
        ModelVersion v1 = register(2f);
        ModelVersion v2 = register(7f);
        champion(v1);
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ofMillis(20)).build()) {
            Scorer scorer = server.scorer(CHAMPION);
            champion(v2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (scorer.version().version() != v2.version() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(answer(scorer, 1.0)).isEqualTo(7.0);
        }
    }

    @Test
    void metrics_countCallsRowsAndErrorsPerVersion() {
        ModelVersion v1 = register(2f);
        champion(v1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ModelServer server = server().meterRegistry(meters).build()) {
            Scorer scorer = server.scorer(CHAMPION);
            long warmUpCalls = meters.get("mlops.scoring.latency").timer().count();
            for (int i = 0; i < 5; i++) {
                answer(scorer, i);
            }
            scorer.scoreBatch(List.of(Map.of("x", 1.0), Map.of("x", 2.0), Map.of("x", 3.0)));
            assertThatThrownBy(() -> scorer.score(Map.of("y", 1.0))).isInstanceOf(InvalidArgumentException.class);
            scorer.scoreColumns(FeatureColumns.builder().numbers("x", new double[] {1, 2, 3, 4}).build());
            assertThatThrownBy(() -> scorer.scoreColumns(FeatureColumns.builder().numbers("x", new double[] {Double.NaN})
                    .build())).isInstanceOf(InvalidArgumentException.class);

            String version = Integer.toString(v1.version());
            assertThat(warmUpCalls).as("warm-up runs before metrics are attached").isZero();
            assertThat(meters.get("mlops.scoring.latency").tags("model", MODEL, "version", version).timer().count())
                    .as("every call is timed, refused ones too").isEqualTo(9);
            assertThat(meters.get("mlops.scoring.rows").tags("model", MODEL, "version", version).counter().count())
                    .isEqualTo(12);
            assertThat(meters.get("mlops.scoring.errors").tags("version", version, "error", "invalid_argument")
                    .counter().count()).isEqualTo(2);
            assertThat(meters.get("mlops.scoring.errors").tags("version", version, "error", "failure")
                    .counter().count()).isZero();

            ModelVersion v2 = register(3f);
            champion(v2);
            server.refresh();
            assertThat(meters.get("mlops.serving.swaps").tag("uri", CHAMPION.toString()).counter().count()).isEqualTo(1);
        }
    }

    @Test
    void close_makesHandedOutScorersRefuseCalls() {
        champion(register(2f));
        ModelServer server = server().build();
        Scorer scorer = server.scorer(CHAMPION);
        server.close();

        assertThatThrownBy(() -> answer(scorer, 1.0)).isInstanceOf(ConflictException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> server.scorer(CHAMPION)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(server::refresh).isInstanceOf(ConflictException.class);
        assertThat(server.healthy()).isFalse();
        server.close(); // twice is harmless
    }

    @Test
    void builder_rejectsBadOptionsAllAtOnceAndOptionsSetTwice() {
        assertThatThrownBy(() -> ModelServer.builder(mlops).pollInterval(Duration.ofSeconds(-1))
                .retryBackoff(Duration.ZERO).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("pollInterval PT-1S").hasMessageContaining("retryBackoff PT0S");
        assertThatThrownBy(() -> ModelServer.builder(mlops).pollInterval(Duration.ZERO).pollInterval(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pollInterval");
    }

    @Test
    void microBatching_concurrentCallersEachGetTheirOwnAnswer() throws Exception {
        champion(register(2f));
        ScorerOptions batching = ScorerOptions.builder().microBatching(Duration.ofMillis(2), 16).build();
        try (ModelServer server = server().scorerOptions(batching).build()) {
            Scorer scorer = server.scorer(CHAMPION);
            ExecutorService pool = Executors.newFixedThreadPool(24);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                double x = i;
                results.add(pool.submit(() -> answer(scorer, x) == 2.0 * x));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
            }
            pool.shutdown();
        }
    }

    @Test
    void microBatching_aBadRowFailsOnlyItsOwnCall() throws Exception {
        champion(register(2f));
        ScorerOptions batching = ScorerOptions.builder().microBatching(Duration.ofMillis(50), 64).build();
        try (Scorer scorer = mlops.scorer(CHAMPION, batching)) {
            ExecutorService pool = Executors.newFixedThreadPool(9);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Double>> good = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                double x = i;
                good.add(pool.submit(() -> {
                    go.await();
                    return answer(scorer, x);
                }));
            }
            Future<Prediction> bad = pool.submit(() -> {
                go.await();
                return scorer.score(Map.of("x", "not a number"));
            });
            go.countDown();
            for (int i = 0; i < 8; i++) {
                assertThat(good.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(2.0 * i);
            }
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("not a number");
            pool.shutdown();
        }
    }

    @Test
    void microBatching_closedScorerRefusesCallsInsteadOfHanging() {
        champion(register(2f));
        Scorer scorer = mlops.scorer(CHAMPION, ScorerOptions.builder().microBatching(Duration.ofMillis(1), 8).build());
        assertThat(answer(scorer, 4.0)).isEqualTo(8.0);
        scorer.close();
        assertThatThrownBy(() -> answer(scorer, 1.0)).isInstanceOf(ConflictException.class).hasMessageContaining("closed");
    }

    @Test
    void scorerOptions_rejectMicroBatchingOutsideItsLimits() {
        assertThatThrownBy(() -> ScorerOptions.builder().maxBatchRows(10).microBatching(Duration.ofSeconds(2), 11).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("microBatchDelay PT2S").hasMessageContaining("microBatchMaxRows 11");
    }
}
