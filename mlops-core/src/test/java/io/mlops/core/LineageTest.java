package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.NotFoundException;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.lineage.DatasetLineage;
import io.mlops.api.lineage.LineageInput;
import io.mlops.api.lineage.VersionLineage;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.Run;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageTest {

    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(TensorSpec.tensor("x", DataType.FLOAT, List.of(-1L, 1L))),
            List.of(TensorSpec.tensor("y", DataType.FLOAT, List.of(-1L))), Map.of());

    @TempDir
    Path temp;
    private Mlops mlops;
    private Path trainCsv;

    @BeforeEach
    void open() throws Exception {
        mlops = Mlops.builder().metadata("mem:").localArtifacts(temp.resolve("home")).ungoverned().build();
        trainCsv = Files.writeString(temp.resolve("train.csv"), "age,job\n30,admin.\n41,technician\n");
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    /** A parent run with a child that trains on a stored dataset and a digest-only one, and registers a version. */
    private ModelVersion trainAndRegister() {
        try (ActiveRun parent = mlops.tracking().startRun("credit-risk")) {
            ModelVersion version;
            try (ActiveRun run = parent.startChild("train")) {
                run.logDataset("clients", trainCsv, "training");
                run.logInput(Dataset.builder("holdout", "sha256:" + "ab".repeat(32)).source("s3://bank/holdout.csv").build(), "test");
                run.logParams(Map.of("learning_rate", "0.1", "seed", "42", "trainer.seed", "7", "epochs", "5"));
                run.logMetric("auc", 0.81);
                String key = run.logArtifact(new ByteArrayInputStream(new byte[] {1, 2, 3}), "model/model.bin").key();
                version = mlops.registry().createVersion(NewModelVersion.builder("credit-risk", key).runId(run.id())
                        .flavor("custom").signature(SIGNATURE).build());
                run.finish();
            }
            parent.finish();
            return version;
        }
    }

    @Test
    void ofVersion_walksToTheRunItsParentDatasetsCodeAndEnvironment() {
        ModelVersion version = trainAndRegister();

        VersionLineage lineage = mlops.lineage().ofVersion("credit-risk", version.version());

        Run run = lineage.run().orElseThrow();
        assertThat(run.id()).isEqualTo(version.runId());
        assertThat(lineage.parentRuns()).singleElement().satisfies(p -> assertThat(p.id()).isEqualTo(run.parentRunId().orElseThrow()));
        assertThat(lineage.inputs()).extracting(in -> in.input().context()).containsExactly("training", "test");
        LineageInput training = lineage.inputs().get(0);
        assertThat(training.stored()).map(DatasetVersion::name).contains("clients");
        assertThat(lineage.inputs().get(1).stored()).isEmpty();
        assertThat(lineage.environment()).containsKeys("mlops.env.java", "mlops.env.os", "mlops.env.cpus");
        assertThat(lineage.gaps()).anySatisfy(gap -> assertThat(gap).contains("holdout").contains("digest only"));
        assertThat(lineage.gaps()).noneSatisfy(gap -> assertThat(gap).contains("'clients'"));
    }

    @Test
    void ofDataset_walksToTheRunsThatUsedItAndTheVersionsTheyRegistered() {
        ModelVersion version = trainAndRegister();
        DatasetVersion clients = mlops.datasets().versions("clients").get(0);
        String otherRunId;
        try (ActiveRun other = mlops.tracking().startRun("credit-risk")) {
            other.logInput(clients, "validation");
            otherRunId = other.id();
            other.finish();
        }

        DatasetLineage lineage = mlops.lineage().ofDataset(clients.digest());

        assertThat(lineage.stored()).containsExactly(clients);
        assertThat(lineage.runs()).extracting(Run::id).containsExactly(version.runId(), otherRunId);
        assertThat(lineage.versions()).containsExactly(version);
        assertThat(mlops.lineage().ofDataset("sha256:" + "cd".repeat(32)).runs()).isEmpty();
    }

    @Test
    void reproduceReport_listsModelRunDataParamsSeedsFirstMetricsAndGaps() {
        ModelVersion version = trainAndRegister();
        DatasetVersion clients = mlops.datasets().versions("clients").get(0);

        String report = mlops.lineage().reproduceReport("credit-risk", version.version());

        assertThat(report).startsWith("# Reproducing models:/credit-risk/" + version.version())
                .contains(version.sha256())
                .contains("`" + version.runId() + "`")
                .contains("mlops.datasets().download(\"" + clients.digest() + "\", dir)")
                .contains("not in the store; source: s3://bank/holdout.csv")
                .contains("| `auc` | 0.81 | 0 |")
                .contains("## Golden set\n\nNone attached");
        assertThat(report.indexOf("| `seed` | 42 |")).isLessThan(report.indexOf("| `epochs` | 5 |"));
        assertThat(report.indexOf("| `trainer.seed` | 7 |")).isLessThan(report.indexOf("| `epochs` | 5 |"));
        assertThat(report).contains("Libraries on the class path").contains("junit-jupiter-api");
    }

    @Test
    void versionWithoutRun_saysNothingRecordsHowItWasTrained() throws Exception {
        String key = mlops.artifacts().put("models/loose.bin", new ByteArrayInputStream(new byte[] {9})).key();
        ModelVersion loose = mlops.registry().createVersion(NewModelVersion.builder("loose", key).flavor("custom")
                .signature(SIGNATURE).build());

        VersionLineage lineage = mlops.lineage().ofVersion("loose", loose.version());

        assertThat(lineage.run()).isEmpty();
        assertThat(lineage.gaps()).singleElement().asString().contains("registered without a run");
        assertThat(mlops.lineage().reproduceReport("loose", 1)).contains("registered without a run");
        assertThatThrownBy(() -> mlops.lineage().ofVersion("loose", 2)).isInstanceOf(NotFoundException.class);
    }
}
