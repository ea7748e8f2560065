package io.mlops.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlops.Mlops;
import io.mlops.api.governance.AuditLog;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.PerformanceWindow;
import io.mlops.api.lineage.VersionLineage;
import io.mlops.api.governance.StatusTransition;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import io.mlops.samples.bank.BankMarketingData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart end to end on the embedded defaults (H2 file + local folder), run twice. */
class QuickstartTest {

    @TempDir
    Path home;

    @Test
    void quickstart_twice_registersConsecutiveVersions_andKeepsTheFirst() {
        Path csv = BankMarketingData.locateDefaultCsv();

        Quickstart.Outcome first;
        try (Mlops mlops = Quickstart.openLocal(home)) {
            first = Quickstart.run(mlops, csv, home.resolve("reports"));
        }
        Quickstart.Outcome second;
        try (Mlops mlops = Quickstart.openLocal(home)) {
            second = Quickstart.run(mlops, csv, home.resolve("reports"));

            assertThat(second.version().version()).isEqualTo(first.version().version() + 1);

            // Monitoring: the test clients look like the training data and score as well as on approval;
            // autumn 2010 does not (other months, mobile phones, clients called before) and scores worse.
            DriftReport steady = second.steady();
            assertThat(steady.windowRows()).as("the test clients, and the five printed first").isEqualTo(8238 + 5);
            assertThat(steady.severity()).isEqualTo(DriftSeverity.NONE);
            assertThat(steady.driftedFeatures()).isEmpty();
            assertThat(steady.prediction()).extracting(FeatureDrift::feature).containsExactly("prediction.label", "prediction.score");
            PerformanceWindow onTest = steady.performance().orElseThrow();
            assertThat(onTest.labelledRows()).isEqualTo(8238);
            assertThat(onTest.auc().getAsDouble()).isCloseTo(second.auc(), within(0.002));
            assertThat(onTest.degraded()).isFalse();
            DriftReport autumn = second.autumn2010();
            assertThat(autumn.windowRows()).isEqualTo(Quickstart.AUTUMN_2010_CLIENTS);
            assertThat(autumn.severity()).isEqualTo(DriftSeverity.ALERT);
            assertThat(autumn.datasetDrift()).isTrue();
            assertThat(autumn.driftedFeatures()).extracting(FeatureDrift::feature).contains("month", "contact", "previous");
            assertThat(autumn.performance().orElseThrow().degraded()).isTrue();
            assertThat(second.reports()).hasSize(2).allSatisfy(report -> assertThat(report).isRegularFile());
            assertThat(mlops.monitoring().baseline(Quickstart.MODEL_NAME, second.version().version())).hasValueSatisfying(
                    baseline -> assertThat(baseline.rows()).isEqualTo(41_188 - 8238));
            assertThat(mlops.registry().listVersions(Quickstart.MODEL_NAME)).extracting(ModelVersion::version)
                    .containsExactly(first.version().version(), second.version().version());
            assertThat(mlops.registry().resolve("models:/bank-term-deposit@champion").version())
                    .isEqualTo(second.version().version());
            assertThat(second.version().status()).isEqualTo(ModelVersionStatus.APPROVED);
            assertThat(mlops.governance().transitions(Quickstart.MODEL_NAME, second.version().version()))
                    .extracting(StatusTransition::principal).containsExactly("dana", "victor");
            AuditLog audit = mlops.as(Quickstart.VALIDATOR).governance().audit();
            assertThat(audit.entries(1, 10_000)).anySatisfy(e -> {
                assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
                assertThat(e.principal()).isEqualTo("dana");
                assertThat(e.action()).isEqualTo("governance.approve");
                assertThat(e.summary()).contains("four-eyes");
            });
            assertThat(audit.verify().intact()).isTrue();
            assertThat(mlops.governance().modelCard(Quickstart.MODEL_NAME, second.version().version()))
                    .contains("| Owner | head-of-retail-deposits |")
                    .contains("| Risk tier | TIER_3 |")
                    .contains("| PENDING_APPROVAL | APPROVED | victor |")
                    .contains("| test_auc | ");

            Run run = mlops.tracking().getRun(second.runId());
            assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
            assertThat(run.params()).containsEntry("excluded_features", "duration");
            assertThat(run.metric("test_auc")).hasValueSatisfying(auc -> assertThat(auc).isGreaterThan(0.75));
            assertThat(run.inputs()).singleElement().satisfies(input -> {
                assertThat(input.context()).isEqualTo("training");
                assertThat(input.dataset().rowCount()).hasValue(41_188);
                assertThat(input.dataset().schema()).hasSize(15);
                // The version id is the manifest's digest; the manifest pins the file's own sha256.
                assertThat(mlops.datasets().manifest(input.dataset().digest()).entries()).singleElement()
                        .satisfies(file -> assertThat(file.sha256())
                                .isEqualTo("2d42394367a113d8d2a9adadd0e1f95911b458b31168dd20600ba8a8e7b2a2c7"));
            });
            // Two quickstart runs logged the same data: it is stored once.
            assertThat(mlops.artifacts().list("datasets/blobs/")).hasSize(1);
            assertThat(mlops.tracking().listArtifacts(second.runId())).extracting(o -> o.key()).containsExactlyInAnyOrder(
                    "runs/" + second.runId() + "/model/model.onnx", "runs/" + second.runId() + "/mlops/environment.json",
                    "runs/" + second.runId() + "/tribuo/provenance.json");
            assertThat(run.params()).containsKey("trainer.class").containsEntry("seed", run.params().get("seed"));

            // Full lineage: version -> run -> data (restorable from the store), code and environment.
            VersionLineage lineage = mlops.lineage().ofVersion(Quickstart.MODEL_NAME, second.version().version());
            assertThat(lineage.run()).map(Run::id).contains(second.runId());
            assertThat(lineage.inputs()).singleElement().satisfies(in -> assertThat(in.stored()).isPresent());
            assertThat(lineage.environment()).containsKeys("mlops.env.java", "mlops.env.os");
            assertThat(lineage.gaps()).noneSatisfy(gap -> assertThat(gap).contains("digest only"));
            String digest = run.inputs().get(0).dataset().digest();
            assertThat(mlops.lineage().ofDataset(digest).versions()).extracting(ModelVersion::version)
                    .containsExactly(first.version().version(), second.version().version());
            assertThat(mlops.lineage().reproduceReport(Quickstart.MODEL_NAME, second.version().version()))
                    .contains("mlops.datasets().download(\"" + digest + "\", dir)")
                    .contains("| `seed` |");

            // The golden set was checked when victor moved champion, and passed.
            assertThat(mlops.registry().getVersion(Quickstart.MODEL_NAME, second.version().version()).tags())
                    .hasEntrySatisfying("mlops.golden.last_check", check -> assertThat(check)
                            .startsWith("passed: " + Quickstart.GOLDEN_CASES + " cases, 0 failed").contains("by victor"));
        }
        assertThat(first.auc()).isGreaterThan(0.75);
        assertThat(second.maxDifference()).isLessThanOrEqualTo(Quickstart.TOLERANCE);
        assertThat(second.summaryLine()).matches(
                "QUICKSTART run=[0-9a-f]{32} model=bank-term-deposit version=2 auc=0\\.\\d{4} drift_test=NONE drift_autumn2010=ALERT");
    }
}
