package io.mlops.core.internal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlops.Mlops;
import io.mlops.api.ConflictException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.monitoring.DataProfile;
import io.mlops.api.monitoring.DataProfiler;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.LoggedPrediction;
import io.mlops.api.monitoring.Monitoring;
import io.mlops.api.monitoring.PerformanceWindow;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.spi.PredictionLogEntry;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.stores.InMemoryArtifactStore;
import io.mlops.stores.InMemoryMetadataStore;
import java.io.ByteArrayInputStream;
import io.mlops.core.internal.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baselines, the prediction log with labels, and drift checks through the public API, on the bank data. */
class MonitoringTest {
    private static final String MODEL = "bank";
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private InMemoryMetadataStore store;
    private InMemoryArtifactStore artifacts;
    private Mlops mlops;
    private Monitoring monitoring;
    /** Outcomes are recorded by the application that learns them, not by the model's developers. */
    private Monitoring outcomes;
    private ModelVersion version;

    @BeforeEach
    void register() {
        store = new InMemoryMetadataStore();
        artifacts = new InMemoryArtifactStore();
        mlops = Mlops.builder().metadata(store).artifacts(artifacts).principal(Principal.of("alice"))
                .roles(RoleMapping.builder().everyone(Role.DATA_SCIENTIST).user("victor", Role.VALIDATOR)
                        .user("admin", Role.ADMIN).user("svc-outcomes", Role.OUTCOME_RECORDER).build())
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).captureEnvironment(false).build();
        monitoring = mlops.monitoring();
        outcomes = mlops.as(Principal.of("svc-outcomes")).monitoring();
        String runId;
        mlops.tracking().getOrCreateExperiment("bank-marketing");
        try (ActiveRun run = mlops.tracking().startRun("bank-marketing")) {
            run.logMetric("test_accuracy", 0.90);
            run.logMetric("test_auc", 0.80);
            run.logMetric("accuracy", 0.99); // a training figure: not what performance is compared with
            runId = run.id();
            run.finish();
        }
        String key = artifacts.put("models/bank.bin", new ByteArrayInputStream(new byte[] {1, 2, 3})).key();
        version = mlops.registry().createVersion(NewModelVersion.builder(MODEL, key).flavor("custom").runId(runId).build());
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    private static DataProfile earlyMonths() {
        List<Map<String, Object>> rows = BankRows.all();
        return BankRows.profile(rows.subList(0, rows.size() / 2));
    }

    private static Prediction classify(double yes) {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        probabilities.put("no", 1 - yes);
        probabilities.put("yes", yes);
        return new Prediction(PredictionKind.CLASSIFICATION, Optional.of(yes >= 0.5 ? "yes" : "no"), probabilities, List.of(),
                Map.of());
    }

    /** Logs rows as a server would, one a second from {@code start}, with request ids {@code prefix-i}. */
    private void log(List<Map<String, Object>> rows, Instant start, String prefix, java.util.function.IntToDoubleFunction yes) {
        List<PredictionLogEntry> entries = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            entries.add(new PredictionLogEntry(MODEL, version.version(), prefix + "-" + i, start.toEpochMilli() + i * 1000L, 150,
                    PredictionPayload.write(rows.get(i), classify(yes.applyAsDouble(i))), Optional.empty()));
        }
        store.appendPredictions(entries);
    }

    @Test
    void attachBaseline_pinsTheProfileOnTheVersion_andReadsItBack() {
        DataProfile baseline = earlyMonths();

        ModelVersion pinned = monitoring.attachBaseline(MODEL, 1, baseline);

        assertThat(pinned.tags()).containsEntry("mlops.baseline.rows", Long.toString(baseline.rows()))
                .containsEntry("mlops.baseline.features", "14").containsKey("mlops.baseline.sha256");
        DataProfile read = monitoring.baseline(MODEL, 1).orElseThrow();
        assertThat(read.toBytes()).isEqualTo(baseline.toBytes());
        assertThat(read.schema()).isEqualTo(baseline.schema());
        AuditEntry last = mlops.as(Principal.of("victor")).governance().audit().entries(1, 1000).stream()
                .reduce((a, b) -> b).orElseThrow();
        assertThat(last.action()).isEqualTo("monitoring.attachBaseline");
        assertThat(last.target()).isEqualTo("models:/bank/1");
    }

    @Test
    void baselineReplacedBehindTheRegistrysBack_isRefused(@TempDir Path folder) throws Exception {
        // A store on disk, where someone with file access can swap the bytes and the store's own record.
        try (Mlops onDisk = Mlops.builder().metadata(store).artifacts("file:" + folder).principal(Principal.of("alice"))
                .roles(RoleMapping.builder().everyone(Role.DATA_SCIENTIST).build()).captureEnvironment(false).build()) {
            String key = onDisk.artifacts().put("models/bank-2.bin", new ByteArrayInputStream(new byte[] {4})).key();
            int v = onDisk.registry().createVersion(NewModelVersion.builder(MODEL, key).flavor("custom").build()).version();
            ModelVersion pinned = onDisk.monitoring().attachBaseline(MODEL, v, earlyMonths());
            String baselineKey = "models/bank/versions/" + v + "/baseline-" + pinned.tags().get("mlops.baseline.sha256") + ".json";
            byte[] other = BankRows.profile(BankRows.all().subList(0, 100)).toBytes();
            Path file = folder.resolve(baselineKey);
            file.toFile().setWritable(true);
            Files.write(file, other);
            Path record = folder.resolve(".mlops/meta").resolve(baselineKey);
            record.toFile().setWritable(true);
            Files.writeString(record, Files.readString(record).replaceAll("[0-9a-f]{64}", Digests.sha256Hex(other))
                    .replaceAll("\"size\":\\d+", "\"size\":" + other.length));

            assertThatThrownBy(() -> onDisk.monitoring().baseline(MODEL, v)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("models:/bank/" + v).hasMessageContaining("was replaced");
            assertThatThrownBy(() -> onDisk.monitoring().check(MODEL, v, NOW.minusSeconds(60), NOW))
                    .isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    void baseline_isEvidence_fixedOnceApprovalIsRequested_andItsTagsAreReserved() {
        monitoring.attachBaseline(MODEL, 1, earlyMonths());
        mlops.governance().requestApproval(MODEL, 1, "ready");

        assertThatThrownBy(() -> monitoring.attachBaseline(MODEL, 1, earlyMonths())).isInstanceOf(ConflictException.class)
                .hasMessageContaining("PENDING_APPROVAL").hasMessageContaining("Register a new version");
        assertThatThrownBy(() -> mlops.registry().setVersionTag(MODEL, 1, "mlops.baseline.sha256", "0".repeat(64)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("reserved");
        DataProfile empty = monitoring.profiler(BankRows.schema()).profile();
        int v2 = mlops.registry().createVersion(NewModelVersion.builder(MODEL, version.artifactKey()).flavor("custom").build())
                .version();
        assertThatThrownBy(() -> monitoring.attachBaseline(MODEL, v2, empty)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("models:/bank/" + v2).hasMessageContaining("has no rows");
        assertThatThrownBy(() -> monitoring.attachBaseline(MODEL, 99, earlyMonths())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void check_laterMonthsFromThePredictionLog_driftOnTheCampaignFeatures_andJoinsLabelsForPerformance() {
        monitoring.attachBaseline(MODEL, 1, earlyMonths());
        List<Map<String, Object>> rows = BankRows.all();
        List<Map<String, Object>> late = rows.subList(rows.size() - 2000, rows.size());
        Instant start = NOW.minusSeconds(3600);
        // Every fourth client gets a confident "yes"; the outcome recorded is "yes" for every third.
        log(late, start, "req", i -> i % 4 == 0 ? 0.9 : 0.1);
        for (int i = 0; i < late.size(); i++) {
            outcomes.recordLabel(MODEL, "req-" + i, i % 3 == 0 ? "yes" : "no");
        }

        DriftReport report = monitoring.check(MODEL, 1, start, NOW);

        assertThat(report.windowRows()).isEqualTo(2000);
        assertThat(report.windowStart()).isEqualTo(start.toEpochMilli());
        assertThat(report.features()).extracting(FeatureDrift::feature).containsExactlyElementsOf(BankRows.schema().keySet());
        assertThat(report.driftedFeatures()).extracting(FeatureDrift::feature).contains("month", "contact", "previous")
                .doesNotContain("loan", "housing", "day_of_week");
        assertThat(report.datasetDrift()).isTrue();
        // The prediction's own drift is reported too: the baseline had no predictions, so none here.
        assertThat(report.prediction()).isEmpty();
        PerformanceWindow performance = report.performance().orElseThrow();
        assertThat(performance.labelledRows()).isEqualTo(2000);
        int correct = 0;
        for (int i = 0; i < 2000; i++) {
            correct += (i % 4 == 0) == (i % 3 == 0) ? 1 : 0;
        }
        assertThat(performance.accuracy().getAsDouble()).isCloseTo(correct / 2000.0, within(1e-12));
        assertThat(performance.auc().getAsDouble()).isCloseTo(bruteForceAuc(2000), within(1e-12));
        assertThat(performance.referenceAccuracy().getAsDouble()).isEqualTo(0.90);
        assertThat(performance.referenceAuc().getAsDouble()).isEqualTo(0.80);
        assertThat(performance.from()).isEqualTo(start.toEpochMilli());
        assertThat(performance.to()).isEqualTo(NOW.toEpochMilli());
        assertThat(performance.degraded()).isTrue();
        assertThat(report.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(report.createdAt()).isEqualTo(NOW.toEpochMilli());
    }

    /** AUC by comparing every positive with every negative: the definition, for checking the histogram method. */
    private static double bruteForceAuc(int n) {
        double wins = 0;
        long pairs = 0;
        for (int p = 0; p < n; p++) {
            if (p % 3 != 0) {
                continue;
            }
            for (int q = 0; q < n; q++) {
                if (q % 3 == 0) {
                    continue;
                }
                double sp = p % 4 == 0 ? 0.9 : 0.1;
                double sq = q % 4 == 0 ? 0.9 : 0.1;
                wins += sp > sq ? 1 : sp == sq ? 0.5 : 0;
                pairs++;
            }
        }
        return wins / pairs;
    }

    @Test
    void check_windowLikeTheBaseline_findsNoDrift_andPredictionDriftWhenTheBaselineHasPredictions() {
        List<Map<String, Object>> rows = new ArrayList<>(BankRows.all());
        java.util.Collections.shuffle(rows, new java.util.Random(3));
        DataProfiler profiler = new SketchProfiler(BankRows.schema());
        for (Map<String, Object> row : rows.subList(0, 20000)) {
            profiler.add(row, classify((Double) row.get("age") / 100));
        }
        monitoring.attachBaseline(MODEL, 1, profiler.profile());
        List<Map<String, Object>> window = rows.subList(20000, 23000);
        log(window, NOW.minusSeconds(7200), "same", i -> (Double) window.get(i).get("age") / 100);
        log(window, NOW.minusSeconds(3600), "shifted", i -> 0.9);

        DriftReport same = monitoring.check(MODEL, 1, NOW.minusSeconds(7200), NOW.minusSeconds(3600));
        DriftReport shifted = monitoring.check(MODEL, 1, NOW.minusSeconds(3600), NOW);

        assertThat(same.severity()).isEqualTo(DriftSeverity.NONE);
        assertThat(same.driftedFeatures()).isEmpty();
        assertThat(same.prediction()).extracting(FeatureDrift::feature).containsExactly("prediction.label", "prediction.score");
        assertThat(same.prediction()).noneMatch(FeatureDrift::drifted);
        assertThat(same.performance()).isEmpty();
        // The same clients, scored "yes" with 0.9 each: the inputs did not move, the predictions did.
        assertThat(shifted.driftedFeatures()).isEmpty();
        assertThat(shifted.prediction()).allSatisfy(p -> assertThat(p.severity()).isEqualTo(DriftSeverity.ALERT));
        assertThat(shifted.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(shifted.summary()).contains("prediction.score drifted");
    }

    @Test
    void theScoreIsThePositiveClassByName_whateverOrderAServerListsTheClasses_andUnknownLabelsAreSetApart() {
        List<Map<String, Object>> rows = new ArrayList<>(BankRows.all().subList(0, 4000));
        DataProfiler profiler = new SketchProfiler(BankRows.schema());
        for (Map<String, Object> row : rows.subList(0, 2000)) {
            profiler.add(row, classify((Double) row.get("age") / 100)); // classes listed no, yes
        }
        monitoring.attachBaseline(MODEL, 1, profiler.profile());
        List<PredictionLogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            double yes = (Double) rows.get(2000 + i).get("age") / 100;
            Map<String, Double> reversed = new LinkedHashMap<>();
            reversed.put("yes", yes);
            reversed.put("no", 1 - yes);
            Prediction p = new Prediction(PredictionKind.CLASSIFICATION, Optional.of(yes >= 0.5 ? "yes" : "no"), reversed,
                    List.of(), Map.of());
            entries.add(new PredictionLogEntry(MODEL, 1, "r-" + i, NOW.minusSeconds(100).toEpochMilli(), 10,
                    PredictionPayload.write(rows.get(2000 + i), p), Optional.empty()));
        }
        store.appendPredictions(entries);
        for (int i = 0; i < 200; i++) {
            outcomes.recordLabel(MODEL, "r-" + i, i < 150 ? "no" : "1"); // 50 outcomes coded as 0/1 by mistake
        }

        DriftReport report = monitoring.check(MODEL, 1, NOW.minusSeconds(100), NOW);

        FeatureDrift score = report.prediction().stream().filter(p -> p.feature().equals("prediction.score")).findFirst()
                .orElseThrow();
        // Read as P(no) the scores would be 1 - age/100 and drift wildly; read as P(yes) they match.
        assertThat(score.severity()).isEqualTo(DriftSeverity.NONE);
        assertThat(score.psi()).isLessThan(0.1);
        assertThat(report.performance().orElseThrow().labelledRows()).isEqualTo(150);
        assertThat(report.notes()).contains("50 recorded labels are none of the model's classes and were left out of"
                + " accuracy and AUC");
    }

    @Test
    void windowProfile_isTheProfileOfTheLoggedRows() {
        monitoring.attachBaseline(MODEL, 1, earlyMonths());
        List<Map<String, Object>> some = BankRows.all().subList(100, 400);
        log(some, NOW.minusSeconds(1000), "w", i -> 0.2);

        DataProfile window = monitoring.windowProfile(MODEL, 1, NOW.minusSeconds(1000), NOW);

        assertThat(window.rows()).isEqualTo(300);
        assertThat(window.count("age")).isEqualTo(300);
        assertThat(window.count("prediction.score")).isEqualTo(300);
        assertThat(window.schema()).isEqualTo(monitoring.baseline(MODEL, 1).orElseThrow().schema());
        DriftReport compared = monitoring.compare(MODEL, 1, window, io.mlops.api.monitoring.DriftThresholds.DEFAULTS);
        assertThat(compared.windowRows()).isEqualTo(300);
        // A batch profiled like the baseline compares the same way.
        DataProfiler batch = monitoring.profilerLike(monitoring.baseline(MODEL, 1).orElseThrow());
        some.forEach(row -> batch.add(row, classify(0.2)));
        assertThat(monitoring.compare(MODEL, 1, batch.profile(), io.mlops.api.monitoring.DriftThresholds.DEFAULTS).windowRows())
                .isEqualTo(300);
    }

    @Test
    void predictions_comeBackDecodedWithTheirLabels_oldestFirst_upToTheLimit() {
        List<Map<String, Object>> some = BankRows.all().subList(0, 5);
        log(some, NOW.minusSeconds(100), "p", i -> 0.7);
        outcomes.recordLabel(MODEL, "p-1", "no");

        List<LoggedPrediction> logged = monitoring.predictions(MODEL, 1, NOW.minusSeconds(100), NOW, 3);

        assertThat(logged).extracting(LoggedPrediction::requestId).containsExactly("p-0", "p-1", "p-2");
        LoggedPrediction second = logged.get(1);
        assertThat(second.actualLabel()).contains("no");
        assertThat(logged.get(0).actualLabel()).isEmpty();
        assertThat(second.predictedLabel()).contains("yes");
        assertThat(second.probabilities()).containsExactly(Map.entry("no", 1 - 0.7), Map.entry("yes", 0.7));
        assertThat(second.inputs()).isEqualTo(some.get(1));
        assertThat(second.latencyMicros()).isEqualTo(150);
        assertThat(second.timestamp()).isEqualTo(NOW.minusSeconds(99).toEpochMilli());
        assertThatThrownBy(() -> monitoring.predictions(MODEL, 1, NOW, NOW, 3)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> monitoring.predictions(MODEL, 1, NOW.minusSeconds(1), NOW, 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("limit");
    }

    @Test
    void recordLabel_firstOutcomeStands_andBadInputIsRefused() {
        outcomes.recordLabel(MODEL, "r-1", "yes");
        outcomes.recordLabel(MODEL, "r-1", "yes");

        assertThatThrownBy(() -> outcomes.recordLabel(MODEL, "r-1", "no")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("already has label 'yes'");
        assertThatThrownBy(() -> outcomes.recordLabel(MODEL, "", "no")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("request id");
        assertThatThrownBy(() -> outcomes.recordLabel(MODEL, "x".repeat(129), "no"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> outcomes.recordLabel(MODEL, "r-2", "")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("label");
        assertThatThrownBy(() -> outcomes.recordLabel("no-such-model", "r-1", "no")).isInstanceOf(NotFoundException.class);
        // The developers whose model the outcomes grade may not record them.
        assertThatThrownBy(() -> monitoring.recordLabel(MODEL, "r-3", "no"))
                .isInstanceOf(io.mlops.api.PermissionDeniedException.class);
    }

    @Test
    void check_withoutABaseline_saysHowToAttachOne() {
        assertThatThrownBy(() -> monitoring.check(MODEL, 1, NOW.minusSeconds(60), NOW)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("models:/bank/1 has no baseline").hasMessageContaining("attachBaseline");
        assertThat(monitoring.baseline(MODEL, 1)).isEmpty();
    }

    @Test
    void purgePredictions_deletesTheOlderOnes_andIsAudited() {
        List<Map<String, Object>> some = BankRows.all().subList(0, 10);
        log(some, NOW.minusSeconds(10), "old", i -> 0.1);
        Mlops admin = mlops.as(Principal.of("admin"));

        assertThat(admin.monitoring().purgePredictions(MODEL, NOW.minusSeconds(5))).isEqualTo(5);

        assertThat(monitoring.predictions(MODEL, 1, Instant.EPOCH, NOW, 100)).extracting(LoggedPrediction::requestId)
                .containsExactly("old-5", "old-6", "old-7", "old-8", "old-9");
        AuditEntry last = admin.governance().audit().entries(1, 1000).stream().reduce((a, b) -> b).orElseThrow();
        assertThat(last.action()).isEqualTo("monitoring.purgePredictions");
    }
}
