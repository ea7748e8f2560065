package io.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.mlops.api.InvalidArgumentException;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the mlruns layout that MLflow's file store writes, and what malformed files make it say. */
class MlflowFileStoreTest {
    private static final String RUN = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private static final String OTHER_RUN = "0f9e8d7c6b5a49382716f5e4d3c2b1a0";

    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void createRoot() throws IOException {
        root = Files.createDirectories(tmp.resolve("mlruns"));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** An experiment meta.yaml as MLflow 2.x writes it: yaml.safe_dump with sorted keys. */
    private Path experiment(String id, String name) throws IOException {
        Path dir = root.resolve(id);
        write(dir.resolve("meta.yaml"), "artifact_location: file://" + dir + "\n"
                + "creation_time: 1700000000000\n"
                + "experiment_id: '" + id + "'\n"
                + "last_update_time: 1700000000500\n"
                + "lifecycle_stage: active\n"
                + "name: " + name + "\n");
        return dir;
    }

    /** A run meta.yaml as MLflow 2.x writes it, with the given status and end_time lines. */
    private Path run(Path experimentDir, String runId, String status, String endTime) throws IOException {
        Path dir = experimentDir.resolve(runId);
        String experimentId = experimentDir.getFileName().toString();
        write(dir.resolve("meta.yaml"), "artifact_uri: file://" + dir.resolve("artifacts") + "\n"
                + endTime
                + "entry_point_name: ''\n"
                + "experiment_id: '" + experimentId + "'\n"
                + "lifecycle_stage: active\n"
                + "run_id: " + runId + "\n"
                + "run_name: bold-lark-17\n"
                + "run_uuid: " + runId + "\n"
                + "source_name: ''\n"
                + "source_type: 4\n"
                + "source_version: ''\n"
                + "start_time: 1700000000000\n"
                + "status: " + status + "\n"
                + "tags: []\n"
                + "user_id: alice\n");
        return dir;
    }

    private Path finishedRun(Path experimentDir, String runId) throws IOException {
        return run(experimentDir, runId, "3", "end_time: 1700000123456\n");
    }

    private MlflowRun onlyRun() {
        MlflowFileStore store = MlflowFileStore.open(root);
        List<MlflowRun> runs = store.runs(store.experiments().get(0));
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    @Test
    void open_missingRoot_throwsNamingIt() {
        Path missing = tmp.resolve("nowhere").resolve("mlruns");

        assertThatThrownBy(() -> MlflowFileStore.open(missing))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void open_regularFile_throwsNotADirectory() throws IOException {
        Path file = tmp.resolve("mlruns.txt");
        write(file, "not a store");

        assertThatThrownBy(() -> MlflowFileStore.open(file))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is not a directory");
    }

    @Test
    void experiments_mlflow2Meta_readsQuotedIdNameTimesAndTags() throws IOException {
        Path dir = experiment("0", "Default");
        write(dir.resolve("tags").resolve("mlflow.note.content"), "Baseline experiments\nfor Q3");

        List<MlflowExperiment> experiments = MlflowFileStore.open(root).experiments();

        assertThat(experiments).hasSize(1);
        MlflowExperiment e = experiments.get(0);
        assertThat(e.id()).isEqualTo("0");
        assertThat(e.name()).isEqualTo("Default");
        assertThat(e.lifecycleStage()).isEqualTo("active");
        assertThat(e.artifactLocation()).isEqualTo("file://" + dir);
        assertThat(e.creationTime()).hasValue(1700000000000L);
        assertThat(e.tags()).containsExactly(Map.entry("mlflow.note.content", "Baseline experiments\nfor Q3"));
        assertThat(e.directory()).isEqualTo(dir);
    }

    @Test
    void experiments_oldMetaWithIntegerIdAndNoCreationTime_reads() throws IOException {
        write(root.resolve("1").resolve("meta.yaml"), "artifact_location: ./mlruns/1\n"
                + "experiment_id: 1\n"
                + "lifecycle_stage: active\n"
                + "name: legacy\n");

        MlflowExperiment e = MlflowFileStore.open(root).experiments().get(0);

        assertThat(e.id()).isEqualTo("1");
        assertThat(e.name()).isEqualTo("legacy");
        assertThat(e.creationTime()).isEmpty();
        assertThat(e.tags()).isEmpty();
    }

    @Test
    void experiments_trashModelRegistryAndStrayFolders_areIgnored() throws IOException {
        experiment("0", "Default");
        write(root.resolve(".trash").resolve("5").resolve("meta.yaml"), "artifact_location: file:///x/mlruns/5\n"
                + "experiment_id: '5'\nlifecycle_stage: deleted\nname: gone\n");
        write(root.resolve("models").resolve("credit-risk").resolve("meta.yaml"),
                "creation_timestamp: 1700000000000\nlast_updated_timestamp: 1700000000000\nname: credit-risk\n");
        Files.createDirectories(root.resolve(".ipynb_checkpoints"));

        assertThat(MlflowFileStore.open(root).experiments()).extracting(MlflowExperiment::id).containsExactly("0");
    }

    @Test
    void experiments_numericIds_areOrderedAsNumbers() throws IOException {
        experiment("10", "ten");
        experiment("9", "nine");
        experiment("0", "Default");
        experiment("384712949204567912", "big");

        assertThat(MlflowFileStore.open(root).experiments()).extracting(MlflowExperiment::name)
                .containsExactly("Default", "nine", "ten", "big");
    }

    @Test
    void experiments_deletedInPlace_reportsLifecycleStage() throws IOException {
        write(root.resolve("3").resolve("meta.yaml"), "artifact_location: file:///x/mlruns/3\n"
                + "experiment_id: '3'\nlifecycle_stage: deleted\nname: old\n");

        assertThat(MlflowFileStore.open(root).experiments().get(0).lifecycleStage()).isEqualTo("deleted");
    }

    @Test
    void experiments_emptyMetaYaml_throwsNamingTheFile() throws IOException {
        Path meta = root.resolve("0").resolve("meta.yaml");
        write(meta, "");

        assertThatThrownBy(() -> MlflowFileStore.open(root).experiments())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(meta.toString())
                .hasMessageContaining("is empty");
    }

    @Test
    void experiments_invalidYaml_throwsNamingTheFile() throws IOException {
        Path meta = root.resolve("0").resolve("meta.yaml");
        write(meta, "experiment_id: '0'\nname: [unclosed\n");

        assertThatThrownBy(() -> MlflowFileStore.open(root).experiments())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(meta.toString())
                .hasMessageContaining("is not valid YAML");
    }

    @Test
    void experiments_missingName_throwsNamingKeyAndFile() throws IOException {
        Path meta = root.resolve("0").resolve("meta.yaml");
        write(meta, "experiment_id: '0'\nlifecycle_stage: active\n");

        assertThatThrownBy(() -> MlflowFileStore.open(root).experiments())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(meta.toString())
                .hasMessageContaining("name is missing");
    }

    @Test
    void experiments_idNotMatchingDirectory_throws() throws IOException {
        write(root.resolve("7").resolve("meta.yaml"), "experiment_id: '8'\nname: copied\n");

        assertThatThrownBy(() -> MlflowFileStore.open(root).experiments())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("experiment_id '8'")
                .hasMessageContaining("'7'");
    }

    @Test
    void runs_mlflow2Run_readsAllFields() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        write(runDir.resolve("params").resolve("learning_rate"), "0.01");
        write(runDir.resolve("params").resolve("epochs"), "20");
        write(runDir.resolve("tags").resolve("mlflow.user"), "alice");
        write(runDir.resolve("tags").resolve("mlflow.runName"), "bold-lark-17");
        write(runDir.resolve("metrics").resolve("accuracy"), "1700000010000 0.9 0\n1700000020000 0.95 1\n");
        Files.createDirectories(runDir.resolve("artifacts"));

        MlflowRun run = onlyRun();

        assertThat(run.id()).isEqualTo(RUN);
        assertThat(run.experimentId()).isEqualTo("0");
        assertThat(run.name()).isEqualTo("bold-lark-17");
        assertThat(run.userId()).isEqualTo("alice");
        assertThat(run.status()).isEqualTo(MlflowRunStatus.FINISHED);
        assertThat(run.startTime()).isEqualTo(1700000000000L);
        assertThat(run.endTime()).hasValue(1700000123456L);
        assertThat(run.lifecycleStage()).isEqualTo("active");
        assertThat(run.artifactUri()).isEqualTo("file://" + runDir.resolve("artifacts"));
        assertThat(run.params()).containsExactly(Map.entry("epochs", "20"), Map.entry("learning_rate", "0.01"));
        assertThat(run.tags()).containsExactly(Map.entry("mlflow.runName", "bold-lark-17"), Map.entry("mlflow.user", "alice"));
        assertThat(run.metrics()).containsExactly(
                new MlflowMetric("accuracy", 0.9, 1700000010000L, 0),
                new MlflowMetric("accuracy", 0.95, 1700000020000L, 1));
        assertThat(run.artifactsDirectory()).contains(runDir.resolve("artifacts"));
        assertThat(run.directory()).isEqualTo(runDir);
    }

    @Test
    void runs_collections_areUnmodifiable() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        write(runDir.resolve("params").resolve("alpha"), "1");
        write(runDir.resolve("metrics").resolve("loss"), "1700000010000 0.5 0\n");

        MlflowRun run = onlyRun();

        assertThatThrownBy(() -> run.params().put("beta", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> run.tags().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> run.metrics().remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void runs_oldRunUuidWithoutRunName_takesNameFromTag() throws IOException {
        Path runDir = experiment("0", "Default").resolve(RUN);
        write(runDir.resolve("meta.yaml"), "artifact_uri: ./mlruns/0/" + RUN + "/artifacts\n"
                + "end_time: 1600000100000\n"
                + "entry_point_name: ''\n"
                + "experiment_id: '0'\n"
                + "lifecycle_stage: active\n"
                + "name: ''\n"
                + "run_uuid: " + RUN + "\n"
                + "source_name: ''\n"
                + "source_type: 4\n"
                + "source_version: ''\n"
                + "start_time: 1600000000000\n"
                + "status: 3\n"
                + "tags: []\n"
                + "user_id: bob\n");
        write(runDir.resolve("tags").resolve("mlflow.runName"), "legacy-run");

        MlflowRun run = onlyRun();

        assertThat(run.id()).isEqualTo(RUN);
        assertThat(run.name()).isEqualTo("legacy-run");
        assertThat(run.userId()).isEqualTo("bob");
        assertThat(run.artifactsDirectory()).isEmpty();
    }

    @Test
    void runs_withoutRunNameOrTag_haveEmptyName() throws IOException {
        Path runDir = experiment("0", "Default").resolve(RUN);
        write(runDir.resolve("meta.yaml"), "experiment_id: '0'\nrun_uuid: " + RUN + "\nstart_time: 1600000000000\nstatus: 3\n");

        MlflowRun run = onlyRun();

        assertThat(run.name()).isEmpty();
        assertThat(run.lifecycleStage()).isEqualTo("active");
        assertThat(run.artifactUri()).isEmpty();
    }

    @Test
    void runs_missingEndTime_isEmpty() throws IOException {
        Path experimentDir = experiment("0", "Default");
        run(experimentDir, RUN, "1", "end_time: null\n");
        run(experimentDir, OTHER_RUN, "2", "");

        List<MlflowRun> runs = MlflowFileStore.open(root).runs(MlflowFileStore.open(root).experiments().get(0));

        assertThat(runs).extracting(MlflowRun::id).containsExactlyInAnyOrder(RUN, OTHER_RUN);
        assertThat(runs).allSatisfy(r -> assertThat(r.endTime()).isEmpty());
        assertThat(runs).extracting(MlflowRun::status)
                .containsExactlyInAnyOrder(MlflowRunStatus.RUNNING, MlflowRunStatus.SCHEDULED);
    }

    @Test
    void runs_missingStartTime_throwsNamingTheFile() throws IOException {
        Path runDir = experiment("0", "Default").resolve(RUN);
        write(runDir.resolve("meta.yaml"), "experiment_id: '0'\nrun_id: " + RUN + "\nstatus: 3\n");

        assertThatThrownBy(this::onlyRun)
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(runDir.resolve("meta.yaml").toString())
                .hasMessageContaining("start_time is missing");
    }

    @Test
    void runs_nestedParamAndMetricKeys_areJoinedWithSlash() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        write(runDir.resolve("params").resolve("optimizer").resolve("adam").resolve("beta1"), "0.9");
        write(runDir.resolve("tags").resolve("team").resolve("owner"), "risk");
        write(runDir.resolve("metrics").resolve("train").resolve("loss"), "1700000010000 0.25 4\n");

        MlflowRun run = onlyRun();

        assertThat(run.params()).containsExactly(Map.entry("optimizer/adam/beta1", "0.9"));
        assertThat(run.tags()).containsExactly(Map.entry("team/owner", "risk"));
        assertThat(run.metrics()).containsExactly(new MlflowMetric("train/loss", 0.25, 1700000010000L, 4));
    }

    @Test
    void runs_paramValue_isTheWholeFileContent() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        write(runDir.resolve("params").resolve("features"), "age, income\n  debt_ratio ");
        write(runDir.resolve("params").resolve("note"), "Überprüft ✓");

        MlflowRun run = onlyRun();

        assertThat(run.params()).containsEntry("features", "age, income\n  debt_ratio ");
        assertThat(run.params()).containsEntry("note", "Überprüft ✓");
    }

    @Test
    void runs_metricFileWithoutStep_readsStepZero() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        write(runDir.resolve("metrics").resolve("rmse"), "1550000000000 1.5\n1550000001000 1.25\n");

        assertThat(onlyRun().metrics()).containsExactly(
                new MlflowMetric("rmse", 1.5, 1550000000000L, 0),
                new MlflowMetric("rmse", 1.25, 1550000001000L, 0));
    }

    @Test
    void runs_nanAndInfinityMetricValues_areKept() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        write(runDir.resolve("metrics").resolve("loss"),
                "1700000000001 nan 0\n1700000000002 inf 1\n1700000000003 -inf 2\n1700000000004 1e-05 3\n");

        List<MlflowMetric> metrics = onlyRun().metrics();

        assertThat(metrics).extracting(MlflowMetric::value)
                .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-5);
        assertThat(metrics).extracting(MlflowMetric::step).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void runs_malformedMetricLine_messageNamesFileLineAndFormat() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        Path file = runDir.resolve("metrics").resolve("loss");
        write(file, "1700000000000 0.5 0\n1700000001000 0.4 1\nabc 0.5 1\n");

        assertThatThrownBy(this::onlyRun)
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("metric file " + file
                + " line 3: 'abc 0.5 1' is not '<timestamp> <value> [<step>]' with an integer timestamp");
    }

    @Test
    void runs_metricLineWithJavaOnlyNumberOrWrongFieldCount_isRejected() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        Path file = runDir.resolve("metrics").resolve("loss");

        write(file, "1700000000000 0.5f 0\n");
        assertThatThrownBy(this::onlyRun).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(file + " line 1: '1700000000000 0.5f 0'")
                .hasMessageContaining("as value");

        write(file, "1700000000000 0.5 0 extra\n");
        assertThatThrownBy(this::onlyRun).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("2 or 3 space-separated fields (it has 4)");

        write(file, "1700000000000 0.5 1.5\n");
        assertThatThrownBy(this::onlyRun).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("with an integer step");
    }

    @Test
    void runs_metricsOrderedByKeyThenFileOrder() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        write(runDir.resolve("metrics").resolve("b"), "1700000000003 0.3 2\n1700000000001 0.1 0\n1700000000002 0.2 1\n");
        write(runDir.resolve("metrics").resolve("a"), "1700000000009 9.0 0\n");

        List<MlflowMetric> metrics = onlyRun().metrics();

        assertThat(metrics).extracting(MlflowMetric::key).containsExactly("a", "b", "b", "b");
        assertThat(metrics).extracting(MlflowMetric::step).containsExactly(0L, 2L, 0L, 1L);
    }

    @Test
    void runs_statusByName_isParsed() throws IOException {
        Path experimentDir = experiment("0", "Default");
        run(experimentDir, RUN, "FAILED", "end_time: 1700000123456\n");
        run(experimentDir, OTHER_RUN, "'killed'", "end_time: 1700000123456\n");

        MlflowFileStore store = MlflowFileStore.open(root);
        List<MlflowRun> runs = store.runs(store.experiments().get(0));

        assertThat(runs).extracting(MlflowRun::id, MlflowRun::status).containsExactlyInAnyOrder(
                tuple(RUN, MlflowRunStatus.FAILED),
                tuple(OTHER_RUN, MlflowRunStatus.KILLED));
    }

    @Test
    void runs_unknownStatus_throwsNamingFileAndValidValues() throws IOException {
        Path runDir = run(experiment("0", "Default"), RUN, "7", "");

        assertThatThrownBy(this::onlyRun)
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(runDir.resolve("meta.yaml").toString())
                .hasMessageContaining("7")
                .hasMessageContaining("3 FINISHED");
    }

    @Test
    void runs_foldersThatAreNotRuns_areSkipped() throws IOException {
        Path experimentDir = experiment("0", "Default");
        finishedRun(experimentDir, RUN);
        write(experimentDir.resolve("tags").resolve("mlflow.note.content"), "note");
        write(experimentDir.resolve("datasets").resolve("8c5b1f0e").resolve("meta.yaml"),
                "digest: 8c5b1f0e\nname: train\nprofile: '{}'\nschema: '{}'\nsource: '{}'\nsource_type: local\n");
        Files.createDirectories(experimentDir.resolve("traces"));
        Files.createDirectories(experimentDir.resolve("half-written-run"));

        assertThat(onlyRun().id()).isEqualTo(RUN);
    }

    @Test
    void runs_experimentIdNotMatchingExperiment_throws() throws IOException {
        Path runDir = experiment("0", "Default").resolve(RUN);
        write(runDir.resolve("meta.yaml"), "experiment_id: '4'\nrun_id: " + RUN + "\nstart_time: 1\nstatus: 3\n");

        assertThatThrownBy(this::onlyRun)
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("experiment_id '4'")
                .hasMessageContaining("experiment '0'");
    }

    @Test
    void runs_artifactsOutsideTheStore_areFoundThroughTheFileUri() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("shared-artifacts").resolve(RUN));
        Path runDir = experiment("0", "Default").resolve(RUN);
        write(runDir.resolve("meta.yaml"), "artifact_uri: " + elsewhere.toUri() + "\nexperiment_id: '0'\nrun_id: " + RUN
                + "\nstart_time: 1700000000000\nstatus: 3\n");

        assertThat(onlyRun().artifactsDirectory()).contains(elsewhere);
    }

    @Test
    void runs_s3Artifacts_haveNoLocalDirectoryNorModels() throws IOException {
        Path runDir = experiment("0", "Default").resolve(RUN);
        write(runDir.resolve("meta.yaml"), "artifact_uri: s3://ml-bucket/mlruns/0/" + RUN + "/artifacts\n"
                + "experiment_id: '0'\nrun_id: " + RUN + "\nstart_time: 1700000000000\nstatus: 3\n");

        MlflowRun run = onlyRun();

        assertThat(run.artifactUri()).isEqualTo("s3://ml-bucket/mlruns/0/" + RUN + "/artifacts");
        assertThat(run.artifactsDirectory()).isEmpty();
        assertThat(MlflowFileStore.open(root).models(run)).isEmpty();
    }

    private static final String ONNX_MLMODEL = "artifact_path: model\n"
            + "flavors:\n"
            + "  onnx:\n"
            + "    code: null\n"
            + "    data: DATA\n"
            + "    onnx_version: 1.15.0\n"
            + "    providers:\n"
            + "    - CUDAExecutionProvider\n"
            + "    - CPUExecutionProvider\n"
            + "  python_function:\n"
            + "    data: DATA\n"
            + "    env:\n"
            + "      conda: conda.yaml\n"
            + "      virtualenv: python_env.yaml\n"
            + "    loader_module: mlflow.onnx\n"
            + "    python_version: 3.10.13\n"
            + "mlflow_version: 2.9.2\n"
            + "model_size_bytes: 1873\n"
            + "model_uuid: 7d6c2b1e0f3a4c5d9e8f7a6b5c4d3e2f\n"
            + "run_id: " + RUN + "\n"
            + "utc_time_created: '2023-11-14 22:15:23.456789'\n";

    @Test
    void models_onnxFlavor_isParsedAndResolvesTheOnnxFile() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        Path modelDir = runDir.resolve("artifacts").resolve("model");
        write(modelDir.resolve("MLmodel"), ONNX_MLMODEL.replace("DATA", "model.onnx"));
        Files.write(modelDir.resolve("model.onnx"), new byte[] {8, 7, 18, 4});
        Path sklearnDir = runDir.resolve("artifacts").resolve("sklearn-model");
        write(sklearnDir.resolve("MLmodel"), "artifact_path: sklearn-model\n"
                + "flavors:\n  sklearn:\n    code: null\n    pickled_model: model.pkl\n    serialization_format: cloudpickle\n"
                + "    sklearn_version: 1.3.2\nmlflow_version: 2.9.2\nmodel_uuid: 11112222333344445555666677778888\n"
                + "run_id: " + RUN + "\nutc_time_created: '2023-11-14 22:16:00.000001'\n");
        MlflowFileStore store = MlflowFileStore.open(root);

        List<MlflowModel> models = store.models(onlyRun());

        assertThat(models).extracting(MlflowModel::directory).containsExactly(modelDir, sklearnDir);
        MlflowModel onnx = models.get(0);
        assertThat(onnx.artifactPath()).isEqualTo("model");
        assertThat(onnx.runId()).isEqualTo(RUN);
        assertThat(onnx.modelUuid()).isEqualTo("7d6c2b1e0f3a4c5d9e8f7a6b5c4d3e2f");
        assertThat(onnx.mlflowVersion()).isEqualTo("2.9.2");
        assertThat(onnx.utcTimeCreated()).isEqualTo("2023-11-14 22:15:23.456789");
        assertThat(onnx.flavors()).containsOnlyKeys("onnx", "python_function");
        assertThat(onnx.flavors().get("onnx")).doesNotContainKey("code")
                .containsEntry("providers", List.of("CUDAExecutionProvider", "CPUExecutionProvider"));
        assertThat(onnx.flavors().get("python_function")).containsEntry("env",
                Map.of("conda", "conda.yaml", "virtualenv", "python_env.yaml"));
        assertThat(onnx.onnxData()).contains("model.onnx");
        assertThat(onnx.onnxVersion()).contains("1.15.0");
        assertThat(onnx.onnxFile()).contains(modelDir.resolve("model.onnx"));
        assertThat(Files.readAllBytes(onnx.onnxFile().orElseThrow())).containsExactly(8, 7, 18, 4);
        MlflowModel sklearn = models.get(1);
        assertThat(sklearn.flavors().get("sklearn")).containsEntry("pickled_model", "model.pkl");
        assertThat(sklearn.onnxData()).isEmpty();
        assertThat(sklearn.onnxFile()).isEmpty();
        assertThatThrownBy(() -> onnx.flavors().get("onnx").put("data", "x.onnx"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void models_dataEscapingTheModelDirectory_isRejected() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        Path modelDir = runDir.resolve("artifacts").resolve("model");
        write(modelDir.resolve("MLmodel"), ONNX_MLMODEL.replace("DATA", "../../../../secret.onnx"));
        write(runDir.resolve("artifacts").resolve("abs").resolve("MLmodel"), ONNX_MLMODEL.replace("DATA", "/etc/passwd"));

        List<MlflowModel> models = MlflowFileStore.open(root).models(onlyRun());

        assertThat(models).hasSize(2);
        for (MlflowModel model : models) {
            assertThatThrownBy(model::onnxFile)
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining(model.directory().resolve("MLmodel").toString())
                    .hasMessageContaining(model.onnxData().orElseThrow())
                    .hasMessageContaining("inside the model directory");
        }
    }

    @Test
    void models_flavorsNotAMapping_throwsNamingTheFile() throws IOException {
        Path runDir = finishedRun(experiment("0", "Default"), RUN);
        Path file = runDir.resolve("artifacts").resolve("model").resolve("MLmodel");
        write(file, "artifact_path: model\nflavors: onnx\n");
        MlflowFileStore store = MlflowFileStore.open(root);
        MlflowRun run = onlyRun();

        assertThatThrownBy(() -> store.models(run))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("flavors");
    }

    @Test
    void status_parse_acceptsNumbersAndNames() {
        assertThat(MlflowRunStatus.parse("1")).isEqualTo(MlflowRunStatus.RUNNING);
        assertThat(MlflowRunStatus.parse(" 3 ")).isEqualTo(MlflowRunStatus.FINISHED);
        assertThat(MlflowRunStatus.parse("scheduled")).isEqualTo(MlflowRunStatus.SCHEDULED);
        assertThat(MlflowRunStatus.parse("FAILED")).isEqualTo(MlflowRunStatus.FAILED);
        assertThat(MlflowRunStatus.fromCode(5)).isEqualTo(MlflowRunStatus.KILLED);
        assertThat(MlflowRunStatus.KILLED.code()).isEqualTo(5);
    }

    @Test
    void status_parse_unknownValue_throwsListingValidOnes() {
        for (String bad : new String[] {"0", "6", "DONE", "", "99999999999"}) {
            assertThatThrownBy(() -> MlflowRunStatus.parse(bad))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED");
        }
    }

    @Test
    void fixture_creditRisk_readsExperimentRunMetricsAndModel() throws Exception {
        URL url = MlflowFileStoreTest.class.getResource("/mlruns");
        assertThat(url).isNotNull();
        Path fixture = Path.of(url.toURI());
        MlflowFileStore store = MlflowFileStore.open(fixture);

        List<MlflowExperiment> experiments = store.experiments();
        assertThat(experiments).extracting(MlflowExperiment::id, MlflowExperiment::name)
                .containsExactly(tuple("123456789", "credit-risk"));

        List<MlflowRun> runs = store.runs(experiments.get(0));
        assertThat(runs).hasSize(1);
        MlflowRun run = runs.get(0);
        assertThat(run.id()).isEqualTo("4f1c0e1a9a7b4b2c8d3e5f6a7b8c9d0e");
        assertThat(run.status()).isEqualTo(MlflowRunStatus.FINISHED);
        assertThat(run.name()).isEqualTo("gentle-heron-42");
        assertThat(run.params()).containsExactly(Map.entry("learning_rate", "0.05"), Map.entry("max_depth", "6"));
        assertThat(run.tags()).containsExactly(Map.entry("mlflow.runName", "gentle-heron-42"));
        assertThat(run.metrics()).containsExactly(
                new MlflowMetric("auc", 0.71, 1700000010000L, 0),
                new MlflowMetric("auc", 0.78, 1700000020000L, 1),
                new MlflowMetric("auc", 0.8125, 1700000030000L, 2),
                new MlflowMetric("train/loss", 0.6931, 1700000010000L, 0),
                new MlflowMetric("train/loss", 0.5412, 1700000020000L, 1));

        List<MlflowModel> models = store.models(run);
        assertThat(models).hasSize(1);
        MlflowModel model = models.get(0);
        Path modelDir = run.directory().resolve("artifacts").resolve("model");
        assertThat(model.directory()).isEqualTo(modelDir);
        assertThat(model.runId()).isEqualTo(run.id());
        assertThat(model.onnxData()).isEqualTo(Optional.of("model.onnx"));
        assertThat(model.onnxFile()).contains(modelDir.resolve("model.onnx"));
    }
}
