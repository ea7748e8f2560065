package io.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import io.mlops.core.internal.RunImports;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowImporterTest {

    private static final String RUN = "4f1c0e1a9a7b4b2c8d3e5f6a7b8c9d0e";
    private static final String EXPERIMENT_ID = "123456789";
    private static final String MODEL = "credit-risk";

    @TempDir
    Path tmp;

    private Path root;
    private Path runDir;
    private Mlops mlops;

    @BeforeEach
    void copyFixture() throws Exception {
        // The static fixture is copied so that each test can add to it (an ONNX file, deleted runs, ...).
        URL url = MlflowImporterTest.class.getResource("/mlruns");
        assertThat(url).isNotNull();
        Path source = Path.of(url.toURI());
        root = tmp.resolve("mlruns");
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path target = root.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        runDir = root.resolve(EXPERIMENT_ID).resolve(RUN);
        mlops = Mlops.builder().metadata("mem:").artifacts("mem:").captureEnvironment(false).build();
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    /** y = Identity(x), x and y FLOAT [N, 2]: the smallest graph the scorer serves as a regression. */
    private static byte[] identityModel() {
        GraphProto graph = GraphProto.newBuilder()
                .setName("identity")
                .addInput(floatMatrix("x"))
                .addOutput(floatMatrix("y"))
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("copy").addInput("x").addOutput("y"))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("mlops-mlflow-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static ValueInfoProto floatMatrix(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2))
                .build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    private Path writeOnnxModel() throws IOException {
        return Files.write(runDir.resolve("artifacts").resolve("model").resolve("model.onnx"), identityModel());
    }

    private MlflowImporter importer() {
        return MlflowImporter.builder(mlops).registerOnnxModelsAs(MODEL).build();
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String runMeta(String experimentId, String runId, String extra) {
        return "experiment_id: '" + experimentId + "'\nrun_id: " + runId + "\nrun_name: other\nstart_time: 1700000500000\n"
                + "end_time: 1700000600000\nstatus: 3\nuser_id: analyst\n" + extra;
    }

    @Test
    void importAll_fixture_keepsRunIdentityTimesParamsTagsAndMetricHistory() throws IOException {
        writeOnnxModel();

        ImportReport report = importer().importAll(root);

        assertThat(report.runs()).hasSize(1);
        ImportReport.ImportedRun imported = report.runs().get(0);
        assertThat(imported.mlflowRunId()).isEqualTo(RUN);
        assertThat(imported.runId()).isEqualTo(RUN);
        assertThat(imported.experimentName()).isEqualTo("credit-risk");
        assertThat(imported.alreadyImported()).isFalse();
        assertThat(imported.skipped()).isEmpty();
        assertThat(report.skipped()).isEmpty();

        Run run = mlops.tracking().getRun(RUN);
        assertThat(run.name()).isEqualTo("gentle-heron-42");
        assertThat(run.user()).isEqualTo("analyst");
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.startTime()).isEqualTo(1700000001000L);
        assertThat(run.endTime()).hasValue(1700000123456L);
        assertThat(mlops.tracking().getExperiment(run.experimentId()).name()).isEqualTo("credit-risk");
        assertThat(run.params()).containsExactlyInAnyOrderEntriesOf(Map.of("learning_rate", "0.05", "max_depth", "6"));
        assertThat(run.tags())
                .containsEntry("mlflow.runName", "gentle-heron-42")
                .containsEntry(RunImports.SOURCE_TAG, "mlflow:" + RUN);
        assertThat(mlops.tracking().getMetricHistory(RUN, "auc")).containsExactly(
                new Metric("auc", 0.71, 0, 1700000010000L),
                new Metric("auc", 0.78, 1, 1700000020000L),
                new Metric("auc", 0.8125, 2, 1700000030000L));
        assertThat(mlops.tracking().getMetricHistory(RUN, "train/loss")).containsExactly(
                new Metric("train/loss", 0.6931, 0, 1700000010000L),
                new Metric("train/loss", 0.5412, 1, 1700000020000L));
        assertThat(run.metric("auc")).contains(0.8125);
    }

    @Test
    void importAll_withModelName_storesArtifactsAndRegistersTheOnnxModel() throws IOException {
        byte[] onnx = Files.readAllBytes(writeOnnxModel());

        ImportReport report = importer().importAll(root);

        ImportReport.ImportedRun imported = report.runs().get(0);
        assertThat(imported.artifacts()).isEqualTo(2);
        assertThat(imported.registeredVersions()).containsExactly("credit-risk/1");
        assertThat(mlops.tracking().listArtifacts(RUN)).extracting(StoredObject::key)
                .containsExactly("runs/" + RUN + "/model/MLmodel", "runs/" + RUN + "/model/model.onnx");

        ModelVersion version = mlops.registry().getVersion(MODEL, 1);
        assertThat(version.flavor()).isEqualTo("onnx");
        assertThat(version.runId()).isEqualTo(RUN);
        assertThat(version.artifactKey()).isEqualTo(RunImports.artifactKey(RUN, "model/model.onnx"));
        assertThat(version.sizeBytes()).isEqualTo(onnx.length);
        assertThat(version.description()).isEqualTo("Imported from MLflow run " + RUN + " (model)");
        assertThat(version.tags()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "mlflow.run_id", RUN,
                "mlflow.model_uuid", "7d6c2b1e0f3a4c5d9e8f7a6b5c4d3e2f",
                "mlflow.artifact_path", "model"));
        assertThat(version.signature().inputs()).containsExactly(TensorSpec.tensor("x", DataType.FLOAT, List.of(-1L, 2L)));

        try (Scorer scorer = mlops.scorer(version.uri().toString())) {
            Prediction p = scorer.score(Map.of("x", new double[] {1.5, -2.0}));
            assertThat(p.values()).containsExactly(1.5, -2.0);
        }
    }

    @Test
    void importAll_withoutModelName_storesModelOnlyAsArtifact() throws IOException {
        writeOnnxModel();

        ImportReport report = MlflowImporter.builder(mlops).build().importAll(root);

        assertThat(report.runs().get(0).registeredVersions()).isEmpty();
        assertThat(report.runs().get(0).artifacts()).isEqualTo(2);
        assertThat(mlops.tracking().listArtifacts(RUN)).extracting(StoredObject::key)
                .contains("runs/" + RUN + "/model/model.onnx");
        assertThat(mlops.registry().listModels()).isEmpty();
    }

    @Test
    void importAll_sameRootTwice_importsOnce() throws IOException {
        writeOnnxModel();
        MlflowImporter importer = importer();
        importer.importAll(root);
        List<StoredObject> artifactsAfterFirst = mlops.tracking().listArtifacts(RUN);

        ImportReport second = importer.importAll(root);

        assertThat(second.runs()).singleElement().satisfies(r -> {
            assertThat(r.alreadyImported()).isTrue();
            assertThat(r.runId()).isEqualTo(RUN);
            assertThat(r.artifacts()).isZero();
            assertThat(r.registeredVersions()).isEmpty();
        });
        assertThat(second.newRuns()).isZero();
        assertThat(mlops.registry().listVersions(MODEL)).hasSize(1);
        Experiment experiment = mlops.tracking().getExperimentByName("credit-risk");
        assertThat(mlops.tracking().listRuns(experiment.id())).hasSize(1);
        assertThat(mlops.tracking().listArtifacts(RUN)).isEqualTo(artifactsAfterFirst);
        assertThat(second.summary()).isEqualTo(
                "MLflow import: 1 run (0 new, 1 already imported), 0 artifacts, 0 model versions registered, 0 skipped");
    }

    @Test
    void importAll_deletedExperimentAndDeletedRun_areSkippedAndReported() throws IOException {
        String deletedRun = "aaaabbbbccccddddeeeeffff00001111";
        write(root.resolve(EXPERIMENT_ID).resolve(deletedRun).resolve("meta.yaml"),
                runMeta(EXPERIMENT_ID, deletedRun, "lifecycle_stage: deleted\n"));
        String runOfDeletedExperiment = "22223333444455556666777788889999";
        Path deletedExperiment = root.resolve("7");
        write(deletedExperiment.resolve("meta.yaml"), "experiment_id: '7'\nname: old-scorecard\nlifecycle_stage: deleted\n");
        write(deletedExperiment.resolve(runOfDeletedExperiment).resolve("meta.yaml"),
                runMeta("7", runOfDeletedExperiment, "lifecycle_stage: active\n"));

        ImportReport report = MlflowImporter.builder(mlops).build().importAll(root);

        assertThat(report.runs()).extracting(ImportReport.ImportedRun::mlflowRunId).containsExactly(RUN);
        assertThat(report.skipped()).hasSize(2)
                .anySatisfy(s -> assertThat(s).contains(deletedRun).contains("deleted"))
                .anySatisfy(s -> assertThat(s).contains("experiment 7").contains("old-scorecard").contains("deleted"));
        assertThat(mlops.tracking().findExperimentByName("old-scorecard")).isEmpty();
        Experiment experiment = mlops.tracking().getExperimentByName("credit-risk");
        assertThat(mlops.tracking().listRuns(experiment.id())).extracting(Run::id).containsExactly(RUN);
        assertThat(report.summary()).endsWith("2 skipped");
    }

    @Test
    void importAll_nanMetricPoint_isSkippedAndReportedRestImported() throws IOException {
        Files.writeString(runDir.resolve("metrics").resolve("auc"), "1700000040000 nan 3\n", StandardOpenOption.APPEND);

        ImportReport report = MlflowImporter.builder(mlops).build().importAll(root);

        assertThat(report.runs().get(0).skipped()).singleElement()
                .satisfies(s -> assertThat(s).contains("auc").contains("step 3"));
        assertThat(mlops.tracking().getMetricHistory(RUN, "auc")).extracting(Metric::step).containsExactly(0L, 1L, 2L);
        assertThat(mlops.tracking().getMetricHistory(RUN, "train/loss")).hasSize(2);
    }

    @Test
    void importAll_onnxFileMissing_reportsModelSkippedAndImportsRun() {
        ImportReport report = importer().importAll(root);

        ImportReport.ImportedRun imported = report.runs().get(0);
        assertThat(imported.registeredVersions()).isEmpty();
        assertThat(imported.skipped()).singleElement()
                .satisfies(s -> assertThat(s).contains("model/model.onnx").contains("missing"));
        assertThat(mlops.tracking().getRun(RUN).status()).isEqualTo(RunStatus.FINISHED);
        assertThat(mlops.tracking().listArtifacts(RUN)).extracting(StoredObject::key)
                .containsExactly("runs/" + RUN + "/model/MLmodel");
        assertThat(mlops.registry().findModel(MODEL)).isEmpty();
    }

    @Test
    void importAll_symbolicLinkAmongArtifacts_isReportedNotCopied() throws IOException {
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "not part of the run");
        Path link = runDir.resolve("artifacts").resolve("notes.txt");
        try {
            Files.createSymbolicLink(link, outside);
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("symbolic links are not available here: " + e);
        }

        ImportReport report = MlflowImporter.builder(mlops).build().importAll(root);

        assertThat(report.runs().get(0).skipped()).singleElement()
                .satisfies(s -> assertThat(s).contains("notes.txt").contains("symbolic link"));
        assertThat(mlops.tracking().listArtifacts(RUN)).extracting(StoredObject::key)
                .containsExactly("runs/" + RUN + "/model/MLmodel");
    }

    @Test
    void importAll_prefixAndScheduledRun_prefixesExperimentAndEndsRunKilled() throws IOException {
        String scheduled = "0123456789abcdef0123456789abcdef";
        write(root.resolve(EXPERIMENT_ID).resolve(scheduled).resolve("meta.yaml"),
                "experiment_id: '" + EXPERIMENT_ID + "'\nrun_id: " + scheduled + "\nstart_time: 1700000500000\nstatus: 2\n");

        ImportReport report = MlflowImporter.builder(mlops).experimentNamePrefix("mlflow/").build().importAll(root);

        assertThat(report.runs()).extracting(ImportReport.ImportedRun::experimentName).containsOnly("mlflow/credit-risk");
        assertThat(mlops.tracking().findExperimentByName("credit-risk")).isEmpty();
        Run run = mlops.tracking().getRun(scheduled);
        assertThat(run.status()).isEqualTo(RunStatus.KILLED);
        assertThat(mlops.tracking().getExperiment(run.experimentId()).name()).isEqualTo("mlflow/credit-risk");
    }

    @Test
    void importAll_sdkRefuses_propagatesTheSdkException() throws IOException {
        writeOnnxModel();
        try (Mlops viewer = Mlops.builder().metadata("mem:").artifacts("mem:").captureEnvironment(false)
                .roles(RoleMapping.builder().everyone(Role.VIEWER).build()).build()) {
            MlflowImporter importer = MlflowImporter.builder(viewer).registerOnnxModelsAs(MODEL).build();

            assertThatThrownBy(() -> importer.importAll(root)).isInstanceOf(PermissionDeniedException.class);
            assertThat(viewer.tracking().listExperiments()).isEmpty();
        }
    }

    @Test
    void builder_invalidModelName_isRejectedBeforeAnyImport() {
        MlflowImporter.Builder builder = MlflowImporter.builder(mlops);

        assertThatThrownBy(() -> builder.registerOnnxModelsAs("credit risk!"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("model name");
    }

    @Test
    void report_collectionsAreImmutableAndSummaryCountsEverything() throws IOException {
        writeOnnxModel();

        ImportReport report = importer().importAll(root);

        assertThat(report.summary()).isEqualTo(
                "MLflow import: 1 run (1 new, 0 already imported), 2 artifacts, 1 model version registered, 0 skipped");
        assertThatThrownBy(() -> report.runs().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.skipped().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.runs().get(0).registeredVersions().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
