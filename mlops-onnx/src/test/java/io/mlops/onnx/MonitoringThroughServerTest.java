package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.Principal;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.monitoring.DataProfiler;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.LoggedPrediction;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.Scorer;
import io.mlops.core.internal.serving.DefaultModelServer;
import io.mlops.monitoring.DriftMonitor;
import io.mlops.serving.ModelServer;
import io.mlops.stores.InMemoryArtifactStore;
import io.mlops.stores.InMemoryMetadataStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prediction logging and drift monitoring through a real model server scoring a real ONNX model
 * ({@code y = 2x}): what the server logs, how labels join, and what the monitor reports.
 */
class MonitoringThroughServerTest {
    private static final String MODEL = "scale";
    /** The application that learns outcomes and records them. */
    private static final String OUTCOMES = "svc-outcomes";

    private InMemoryMetadataStore store;
    private Mlops mlops;
    private ModelVersion version;

    @BeforeEach
    void register() {
        store = new InMemoryMetadataStore();
        InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
        mlops = Mlops.builder().metadata(store).artifacts(artifacts).principal(Principal.of("alice"))
                .roles(RoleMapping.builder().everyone(Role.DATA_SCIENTIST).user(OUTCOMES, Role.OUTCOME_RECORDER).build())
                .captureEnvironment(false).build();
        String key = artifacts.put("models/scale.onnx", new ByteArrayInputStream(ScalingModel.times(2f))).key();
        version = mlops.registry().createVersion(NewModelVersion.builder(MODEL, key).build());
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    /** The baseline: x ~ N(0, 1) with the model's own predictions on it, as at registration. */
    private static void attachBaseline(Mlops mlops) {
        try (Scorer scorer = mlops.scorer("models:/scale/1")) {
            DataProfiler profiler = mlops.monitoring().profiler(scorer.features());
            Random random = new Random(1);
            for (int i = 0; i < 5000; i++) {
                Map<String, Object> row = Map.of("x", random.nextGaussian());
                profiler.add(row, scorer.score(row));
            }
            mlops.monitoring().attachBaseline(MODEL, 1, profiler.profile());
        }
    }

    private static void flush(ModelServer server) throws InterruptedException {
        assertThat(((DefaultModelServer) server).predictionLog().flush(10_000)).isTrue();
    }

    @Test
    void servedCalls_areLoggedWithRequestIds_andLabelsJoinLater() throws Exception {
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ZERO)
                .predictionLog(PredictionLogOptions.DEFAULTS).build()) {
            Scorer scorer = server.scorer("models:/scale/1");
            scorer.score("application-1", Map.of("x", 1.5));
            scorer.score(Map.of("x", 2.5));
            scorer.scoreBatch(List.of(Map.of("x", 3.0), Map.of("x", 4.0)));
            assertThatThrownBy(() -> scorer.score(Map.of("y", 1.0))).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> scorer.score("bad\nid", Map.of("x", 1.0))).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("control characters");
            flush(server);
            mlops.as(Principal.of(OUTCOMES)).monitoring().recordLabel(MODEL, "application-1", "3.0");

            List<LoggedPrediction> logged = mlops.monitoring().predictions(MODEL, 1, Instant.EPOCH, Instant.now().plusSeconds(1), 100);

            // The failed calls are not logged: only answers are.
            assertThat(logged).hasSize(4);
            LoggedPrediction first = logged.stream().filter(p -> p.requestId().equals("application-1")).findFirst().orElseThrow();
            assertThat(first.inputs()).containsEntry("x", 1.5);
            assertThat(first.values()).containsExactly(3.0);
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.actualLabel()).contains("3.0");
            assertThat(first.latencyMicros()).isNotNegative();
            assertThat(logged).extracting(p -> p.inputs().get("x")).containsExactlyInAnyOrder(1.5, 2.5, 3.0, 4.0);
            assertThat(logged).filteredOn(p -> !p.requestId().equals("application-1"))
                    .allSatisfy(p -> assertThat(p.requestId()).matches("[0-9a-f]{32}"));
        }
    }

    @Test
    void servedColumns_areLoggedRowByRowWithTheirRequestIds() throws Exception {
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ZERO)
                .predictionLog(PredictionLogOptions.DEFAULTS).build()) {
            Scorer scorer = server.scorer("models:/scale/1");
            FeatureColumns columns = FeatureColumns.builder().numbers("x", new double[] {5.0, 6.5}).build();
            assertThat(scorer.scoreColumns(List.of("col-1", "col-2"), columns)).extracting(p -> p.values().get(0))
                    .containsExactly(10.0, 13.0);
            assertThat(scorer.scoreColumns(FeatureColumns.builder().numbers("x", new float[] {7f}).build()))
                    .extracting(p -> p.values().get(0)).containsExactly(14.0);
            assertThatThrownBy(() -> scorer.scoreColumns(List.of("only-one"), columns))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("got 1 request ids for 2 rows in the columns");
            assertThatThrownBy(() -> scorer.scoreColumns(List.of("ok", "bad\nid"), columns))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("request id 2: ");
            flush(server);

            List<LoggedPrediction> logged = mlops.monitoring().predictions(MODEL, 1, Instant.EPOCH,
                    Instant.now().plusSeconds(1), 100);
            assertThat(logged).hasSize(3);
            LoggedPrediction first = logged.stream().filter(p -> "col-1".equals(p.requestId())).findFirst().orElseThrow();
            assertThat(first.inputs()).containsEntry("x", 5.0);
            assertThat(first.values()).containsExactly(10.0);
            LoggedPrediction second = logged.stream().filter(p -> "col-2".equals(p.requestId())).findFirst().orElseThrow();
            assertThat(second.inputs()).containsEntry("x", 6.5);
            assertThat(second.values()).containsExactly(13.0);
            LoggedPrediction withoutId = logged.stream().filter(p -> !p.requestId().startsWith("col-")).findFirst()
                    .orElseThrow();
            assertThat(withoutId.requestId()).as("an id is made up for a row given without one").matches("[0-9a-f]{32}");
            assertThat(withoutId.values()).containsExactly(14.0);
            assertThat(logged).extracting(p -> ((Number) p.inputs().get("x")).doubleValue())
                    .containsExactlyInAnyOrder(5.0, 6.5, 7.0);
        }
    }

    @Test
    void monitor_seesTheShiftedInputs_alertsOnce_andPublishesGaugesAndReports(@TempDir Path reports) throws Exception {
        attachBaseline(mlops);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<String> alerts = new ArrayList<>();
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ZERO)
                .predictionLog(PredictionLogOptions.DEFAULTS).meterRegistry(meters).build();
             DriftMonitor monitor = DriftMonitor.builder(mlops, server).interval(Duration.ZERO).window(Duration.ofHours(1))
                     .writeDelay(Duration.ZERO)
                     .listener((report, previous) -> alerts.add(previous + "->" + report.severity()))
                     .listener((report, previous) -> {
                         throw new IllegalStateException("a broken listener must not stop the others");
                     })
                     .meterRegistry(meters).reportDirectory(reports).build()) {
            Scorer scorer = server.scorer("models:/scale/1");
            Random random = new Random(2);
            for (int i = 0; i < 1000; i++) {
                scorer.score("r-" + i, Map.of("x", 1.5 + random.nextGaussian()));
            }
            flush(server);

            List<DriftReport> first = monitor.checkNow();
            List<DriftReport> second = monitor.checkNow();

            DriftReport report = first.get(0);
            assertThat(report.windowRows()).isEqualTo(1000);
            FeatureDrift x = report.features().get(0);
            assertThat(x.feature()).isEqualTo("x");
            assertThat(x.severity()).isEqualTo(DriftSeverity.ALERT);
            assertThat(report.prediction()).extracting(FeatureDrift::feature).containsExactly("prediction.score");
            assertThat(report.prediction().get(0).severity()).isEqualTo(DriftSeverity.ALERT);
            assertThat(second.get(0).severity()).isEqualTo(DriftSeverity.ALERT);
            // Told of the change once, not at every check.
            assertThat(alerts).containsExactly("NONE->ALERT");
            assertThat(meters.get("mlops.drift.severity").tags("model", MODEL, "version", "1").gauge().value()).isEqualTo(2.0);
            // The gauges show the latest check (KLL sketches are randomised, so two profiles of the same rows can differ slightly).
            assertThat(meters.get("mlops.drift.psi").tags("feature", "x").gauge().value()).isEqualTo(second.get(0).features().get(0).psi());
            assertThat(meters.get("mlops.drift.rows").gauge().value()).isEqualTo(1000.0);
            assertThat(meters.get("mlops.predictions.logged").counter().count()).isEqualTo(1000.0);
            try (Stream<Path> files = Files.list(reports)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(2)
                        .allMatch(name -> name.startsWith("drift-scale-v1-")).anyMatch(n -> n.endsWith(".html"));
            }
            assertThat(monitor.lastReports()).hasSize(1);
        }
    }

    /** A clock the test moves, shared by the SDK (which stamps the log) and the monitor. */
    private static final class MovingClock extends java.time.Clock {
        private volatile Instant now = Instant.parse("2026-12-03T09:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void monitor_readsEachLoggedRowOnce_slidesItsWindow_andPicksUpLateLabels() throws Exception {
        MovingClock clock = new MovingClock();
        InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
        InMemoryMetadataStore timed = new InMemoryMetadataStore();
        try (Mlops at = Mlops.builder().metadata(timed).artifacts(artifacts).principal(Principal.of("alice"))
                .roles(RoleMapping.builder().everyone(Role.DATA_SCIENTIST).user("admin", Role.ADMIN).user(OUTCOMES, Role.OUTCOME_RECORDER)
                        .build())
                .clock(clock).captureEnvironment(false).build()) {
            String key = artifacts.put("models/scale.onnx", new ByteArrayInputStream(ScalingModel.times(2f))).key();
            at.registry().createVersion(NewModelVersion.builder(MODEL, key).build());
            attachBaseline(at);
            Instant t0 = clock.instant();
            try (ModelServer server = ModelServer.builder(at).pollInterval(Duration.ZERO)
                    .predictionLog(PredictionLogOptions.DEFAULTS).build();
                 DriftMonitor monitor = DriftMonitor.builder(at, server).interval(Duration.ZERO).window(Duration.ofHours(1))
                         .writeDelay(Duration.ZERO).clock(clock).build()) {
                Scorer scorer = server.scorer("models:/scale/1");
                for (int i = 0; i < 300; i++) {
                    scorer.score("early-" + i, Map.of("x", 3.0 + i / 300.0));
                }
                flush(server);
                clock.advance(Duration.ofMinutes(1));
                assertThat(monitor.checkNow().get(0).windowRows()).isEqualTo(300);

                clock.advance(Duration.ofMinutes(30));
                Random random = new Random(5);
                for (int i = 0; i < 200; i++) {
                    scorer.score("later-" + i, Map.of("x", random.nextGaussian()));
                }
                flush(server);
                clock.advance(Duration.ofMinutes(1));
                DriftReport both = monitor.checkNow().get(0);
                assertThat(both.windowRows()).isEqualTo(500);
                assertThat(both.performance()).isEmpty();

                // Deleting the early rows from the store changes nothing: the monitor read them once.
                assertThat(at.as(Principal.of("admin")).monitoring().purgePredictions(MODEL, t0.plusSeconds(30))).isEqualTo(300);
                for (int i = 0; i < 200; i++) {
                    at.as(Principal.of(OUTCOMES)).monitoring().recordLabel(MODEL, "later-" + i, "ok");
                }
                clock.advance(Duration.ofMinutes(1));
                DriftReport afterPurge = monitor.checkNow().get(0);
                assertThat(afterPurge.windowRows()).isEqualTo(500);
                // Labels recorded after the rows were profiled still count.
                assertThat(afterPurge.performance().orElseThrow().labelledRows()).isEqualTo(200);

                // Forty-five minutes on, the slice holding the early rows has left the window; the later rows'
                // has not. Slices are a 24th of the window (150 s), so the window starts up to one slice early.
                clock.advance(Duration.ofMinutes(45));
                DriftReport slid = monitor.checkNow().get(0);
                assertThat(slid.windowRows()).isEqualTo(200);
                assertThat(slid.windowStart()).isEqualTo(t0.plus(Duration.ofMinutes(16)).toEpochMilli());
                assertThat(slid.windowEnd()).isEqualTo(clock.millis());
                assertThat(slid.features().get(0).severity()).isEqualTo(DriftSeverity.NONE);

                // A day with no traffic is no evidence: the check is inconclusive and the last verdict stands.
                clock.advance(Duration.ofDays(1));
                DriftReport quiet = monitor.checkNow().get(0);
                assertThat(quiet.windowRows()).isZero();
                assertThat(quiet.conclusive()).isFalse();
                // Performance looks further back than drift (30 days by default): the labelled rows still count.
                assertThat(quiet.performance().orElseThrow().labelledRows()).isEqualTo(200);
                // The last verdict is still the one on record.
                assertThat(monitor.lastReports()).containsExactly(slid);
            }
        }
    }

    @Test
    void monitor_keepsAnAlertThroughAQuietSpell_insteadOfReportingItCleared() throws Exception {
        MovingClock clock = new MovingClock();
        InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<String> changes = new ArrayList<>();
        try (Mlops at = Mlops.builder().metadata(new InMemoryMetadataStore()).artifacts(artifacts).principal(Principal.of("alice"))
                .roles(RoleMapping.builder().everyone(Role.DATA_SCIENTIST).build()).clock(clock).captureEnvironment(false).build()) {
            String key = artifacts.put("models/scale.onnx", new ByteArrayInputStream(ScalingModel.times(2f))).key();
            at.registry().createVersion(NewModelVersion.builder(MODEL, key).build());
            attachBaseline(at);
            try (ModelServer server = ModelServer.builder(at).pollInterval(Duration.ZERO)
                    .predictionLog(PredictionLogOptions.DEFAULTS).build();
                 DriftMonitor monitor = DriftMonitor.builder(at, server).interval(Duration.ZERO).window(Duration.ofHours(1))
                         .writeDelay(Duration.ZERO).clock(clock).meterRegistry(meters)
                         .listener((report, previous) -> changes.add(previous + "->" + report.severity())).build()) {
                Scorer scorer = server.scorer("models:/scale/1");
                for (int i = 0; i < 300; i++) {
                    scorer.score(Map.of("x", 3.0 + i / 300.0));
                }
                flush(server);
                clock.advance(Duration.ofMinutes(1));
                assertThat(monitor.checkNow().get(0).severity()).isEqualTo(DriftSeverity.ALERT);

                clock.advance(Duration.ofHours(3));
                DriftReport quiet = monitor.checkNow().get(0);

                assertThat(quiet.conclusive()).isFalse();
                assertThat(quiet.notes()).singleElement().asString().contains("only 0 rows");
                assertThat(changes).containsExactly("NONE->ALERT");
                assertThat(meters.get("mlops.drift.severity").gauge().value()).isEqualTo(2.0);
                assertThat(meters.get("mlops.drift.rows").gauge().value()).isZero();
            }
            // Closed, the monitor takes its gauges with it: a monitor built later registers its own.
            assertThat(meters.find("mlops.drift.severity").gauges()).isEmpty();
            assertThat(meters.find("mlops.drift.psi").gauges()).isEmpty();
        }
    }

    @Test
    void monitor_skipsVersionsWithoutABaseline() throws Exception {
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ZERO)
                .predictionLog(PredictionLogOptions.DEFAULTS).build();
             DriftMonitor monitor = DriftMonitor.builder(mlops, server).interval(Duration.ZERO).build()) {
            server.scorer("models:/scale/1").score(Map.of("x", 1.0));
            assertThat(monitor.checkNow()).isEmpty();
        }
        assertThatThrownBy(() -> DriftMonitor.builder(mlops, ModelServer.builder(mlops).pollInterval(Duration.ZERO).build())
                .window(Duration.ZERO).build()).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("window");
    }

    @Test
    void concurrentCallers_withLogging_allSucceed_andEveryCallIsLoggedOrCountedAsDropped() throws Exception {
        PredictionLogOptions small = PredictionLogOptions.DEFAULTS.withQueueCapacity(500).withBatchSize(100);
        int threads = 16;
        int calls = 2000;
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ZERO).predictionLog(small).build()) {
            Scorer scorer = server.scorer("models:/scale/1");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        int right = 0;
                        for (int i = 0; i < calls; i++) {
                            double x = thread * 10_000 + i;
                            right += scorer.score("t" + thread + "-" + i, Map.of("x", x)).values().get(0) == 2 * x ? 1 : 0;
                        }
                        return right;
                    }));
                }
                for (Future<Integer> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(calls);
                }
            } finally {
                pool.shutdownNow();
            }
            flush(server);
            var log = ((DefaultModelServer) server).predictionLog();
            assertThat(log.logged() + log.dropped()).isEqualTo((long) threads * calls);
            assertThat(log.failed()).isZero();
            assertThat(mlops.monitoring().predictions(MODEL, 1, Instant.EPOCH, Instant.now().plusSeconds(1), 10_000))
                    .hasSize((int) Math.min(10_000, log.logged()));
        }
    }

    @Test
    void aMetadataStoreThatGoesAway_losesLogEntries_butNoScoringCall() throws Exception {
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ZERO)
                .predictionLog(PredictionLogOptions.DEFAULTS).build()) {
            Scorer scorer = server.scorer("models:/scale/1");
            store.close();
            for (int i = 0; i < 100; i++) {
                assertThat(scorer.score(Map.of("x", (double) i)).values()).containsExactly(2.0 * i);
            }
            flush(server);
            assertThat(((DefaultModelServer) server).predictionLog().failed()).isEqualTo(100);
        }
    }
}
