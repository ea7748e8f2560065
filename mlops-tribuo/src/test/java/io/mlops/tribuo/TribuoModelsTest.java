package io.mlops.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.serving.Scorer;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Trainer;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Logs and registers a real Tribuo logistic regression, trained on a small CSV file through
 * Tribuo's CSVLoader so that its provenance carries a real resource hash, into in-memory stores.
 */
class TribuoModelsTest {

    private static final String LOGISTIC_REGRESSION = LogisticRegressionTrainer.class.getName();
    private static final int ROWS = 60;

    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    @TempDir
    Path temp;

    private Path csv;
    private MutableDataset<Label> data;
    private LinearSGDModel model;
    private Mlops mlops;

    @BeforeAll
    static void quietTribuo() {
        // Tribuo reports every training at INFO; the test output should show failures only.
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    @BeforeEach
    void trainAndOpenStores() throws IOException {
        csv = temp.resolve("applicants.csv");
        Files.writeString(csv, syntheticCsv(ROWS, 7), StandardCharsets.UTF_8);
        data = new CSVLoader<>(new LabelFactory()).load(csv, "label");
        model = new LogisticRegressionTrainer().train(data);
        mlops = Mlops.builder().metadata("mem:").artifacts("mem:").captureEnvironment(false).ungoverned().build();
    }

    @AfterEach
    void closeStores() {
        mlops.close();
    }

    @Test
    void log_logisticRegression_logsTrainerConfigAsParams() {
        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            LoggedTribuoModel logged = TribuoModels.log(run, model);

            assertThat(logged.params())
                    .containsEntry("trainer.class", LOGISTIC_REGRESSION)
                    .containsEntry("trainer.seed", Long.toString(Trainer.DEFAULT_SEED))
                    .containsEntry("trainer.epochs", "5")
                    .containsEntry("trainer.optimiser.class", AdaGrad.class.getName())
                    .containsEntry("trainer.optimiser.initialLearningRate", "1.0")
                    .containsEntry("tribuo.version", Tribuo.VERSION)
                    .doesNotContainKeys("trainer.host-short-name", "trainer.tribuo-version");
            assertThat(run.snapshot().params()).containsAllEntriesOf(logged.params());
        }
    }

    @Test
    void log_csvTrainingData_logsInputWithTheSha256TribuoHashed() throws IOException {
        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            LoggedTribuoModel logged = TribuoModels.log(run, model);

            Dataset expected = Dataset.builder("applicants.csv", "sha256:" + sha256(csv))
                    .source(csv.toAbsolutePath().normalize().toUri().toString())
                    .rowCount(ROWS)
                    .build();
            assertThat(logged.dataset()).contains(expected);
            assertThat(run.snapshot().inputs()).containsExactly(new DatasetInput(expected, "training"));
        }
    }

    @Test
    void log_dataWithoutResourceHash_skipsTheInputAndSaysSo() {
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> inMemory = new MutableDataset<>(new SimpleDataSourceProvenance("built in code", labels), labels);
        data.forEach(inMemory::add);
        LinearSGDModel untraceable = new LogisticRegressionTrainer().train(inMemory);

        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            LoggedTribuoModel logged = TribuoModels.log(run, untraceable);

            assertThat(logged.dataset()).isEmpty();
            Run snapshot = run.snapshot();
            assertThat(snapshot.inputs()).isEmpty();
            assertThat(snapshot.params()).containsEntry("trainer.class", LOGISTIC_REGRESSION);
        }
    }

    @Test
    void log_labelEvaluation_logsAccuracyMacroF1BalancedErrorRateAndAucPerLabel() {
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, data);
        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            LoggedTribuoModel logged = TribuoModels.log(run, model, evaluation);

            assertThat(logged.metrics().get("accuracy")).isBetween(0.0, 1.0).isEqualTo(evaluation.accuracy());
            assertThat(logged.metrics())
                    .containsEntry("macro_f1", evaluation.macroAveragedF1())
                    .containsEntry("balanced_error_rate", evaluation.balancedErrorRate())
                    .containsEntry("auc.yes", evaluation.AUCROC(new Label("yes")))
                    .containsEntry("auc.no", evaluation.AUCROC(new Label("no")))
                    .hasSize(5);
            // the noise in the data keeps the model imperfect, so the metrics are not all equal
            assertThat(evaluation.accuracy()).isLessThan(1.0);
            Map<String, Double> stored = run.snapshot().latestMetrics().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
            assertThat(stored).containsExactlyInAnyOrderEntriesOf(logged.metrics());
        }
    }

    @Test
    void log_metricsMap_sanitizesKeysAndLeavesOutNonFiniteValues() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("gini (holdout)", 0.42);
        metrics.put("ks", Double.NaN);
        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            LoggedTribuoModel logged = TribuoModels.log(run, model, metrics);

            assertThat(logged.metrics()).containsExactly(Map.entry("gini _holdout_", 0.42));
            assertThat(run.snapshot().latestMetrics()).containsOnlyKeys("gini _holdout_");
        }
    }

    @Test
    void log_provenanceArtifact_isJsonThatReadsBackAsTheModelsProvenance() throws Exception {
        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            LoggedTribuoModel logged = TribuoModels.log(run, model);

            assertThat(logged.provenanceArtifact().key()).isEqualTo(run.artifactKey("tribuo/provenance.json"));
            String json;
            try (InputStream in = mlops.artifacts().open(logged.provenanceArtifact().key())) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            JsonNode tree = new ObjectMapper().readTree(json);
            assertThat(tree.isArray()).isTrue();
            assertThat(json).contains(LOGISTIC_REGRESSION).contains(csv.getFileName().toString());
            assertThat(new JsonProvenanceSerialization(false).deserializeAndUnmarshal(json))
                    .isEqualTo(model.getProvenance());
        }
    }

    @Test
    void withProvenance_replacesTribuoProvenanceAndKeepsOtherMetadata() throws Exception {
        ModelProto exported = model.exportONNXModel("io.mlops.test", 3);
        byte[] onnx = exported.toBuilder()
                .clearMetadataProps()
                .addMetadataProps(entry("owner", "retail-risk"))
                .addMetadataProps(entry(ONNXExportable.PROVENANCE_METADATA_FIELD, "stale"))
                .addMetadataProps(entry("classes", "[\"a\"]"))
                .build().toByteArray();

        ModelProto traced = ModelProto.parseFrom(TribuoModels.withProvenance(onnx, model));

        assertThat(traced.getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .containsExactly("owner", ONNXExportable.PROVENANCE_METADATA_FIELD, "classes");
        assertThat(metadata(traced)).containsEntry("owner", "retail-risk").containsEntry("classes", "[\"a\"]");
        String provenance = metadata(traced).get(ONNXExportable.PROVENANCE_METADATA_FIELD);
        assertThat(ONNXExportable.SERIALIZER.deserializeAndUnmarshal(provenance)).isEqualTo(model.getProvenance());
        assertThat(traced.getGraph()).isEqualTo(exported.getGraph());
        assertThat(traced.getDomain()).isEqualTo("io.mlops.test");
        assertThat(traced.getModelVersion()).isEqualTo(3);
    }

    @Test
    void withProvenance_withoutEntry_appendsIt() throws Exception {
        byte[] onnx = model.exportONNXModel("io.mlops.test", 1).toBuilder().clearMetadataProps().build().toByteArray();

        ModelProto traced = ModelProto.parseFrom(TribuoModels.withProvenance(onnx, model));

        assertThat(traced.getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .containsExactly(ONNXExportable.PROVENANCE_METADATA_FIELD);
    }

    @Test
    void withProvenance_notOnnx_isRefused() {
        byte[] text = "not a model".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> TribuoModels.withProvenance(text, model))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not an ONNX model");
        assertThatThrownBy(() -> TribuoModels.withProvenance(new byte[0], model))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no graph");
    }

    @Test
    void register_onnxBytes_createsVersionWithRunIdAndTagsThatScoresLikeTribuo() {
        List<String> features = featureNames(model);
        List<String> classes = classNames(model);
        // Named features and classes let the scorer take rows and give labelled probabilities.
        byte[] onnx = model.exportONNXModel("io.mlops.test", 1).toBuilder()
                .addMetadataProps(entry("features", jsonArray(features)))
                .addMetadataProps(entry("classes", jsonArray(classes)))
                .build().toByteArray();

        ModelVersion version;
        String runId;
        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            runId = run.id();
            version = TribuoModels.register(mlops, run, "applicants", onnx, model, "LR on the synthetic applicants");
            run.finish();
        }

        assertThat(version.runId()).isEqualTo(runId);
        assertThat(version.artifactKey()).endsWith("model/model.onnx");
        assertThat(version.description()).isEqualTo("LR on the synthetic applicants");
        assertThat(version.tags())
                .containsEntry("tribuo.model_class", LinearSGDModel.class.getName())
                .containsEntry("tribuo.version", Tribuo.VERSION);
        assertThat(version.signature().metadata())
                .containsKey(ONNXExportable.PROVENANCE_METADATA_FIELD)
                .containsEntry("features", jsonArray(features));

        double[] values = {0.4, -0.1};
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            row.put(features.get(i), values[i]);
        }
        try (Scorer scorer = mlops.scorer(version.uri().toString())) {
            Prediction served = scorer.score(row);
            org.tribuo.Prediction<Label> tribuo = model.predict(example(features, values));
            assertThat(served.kind()).isEqualTo(PredictionKind.CLASSIFICATION);
            assertThat(served.label()).contains(tribuo.getOutput().getLabel());
            for (Map.Entry<String, Label> score : tribuo.getOutputScores().entrySet()) {
                assertThat(served.probability(score.getKey())).isCloseTo(score.getValue().getScore(), within(1e-5));
            }
        }
    }

    @Test
    void register_onnxExportableModel_exportsItselfWithProvenance() {
        ModelVersion version;
        try (ActiveRun run = mlops.tracking().startRun("tribuo")) {
            version = TribuoModels.register(mlops, run, "applicants", model, null);
            run.finish();
        }

        assertThat(version.tags()).containsEntry("tribuo.model_class", LinearSGDModel.class.getName());
        assertThat(version.signature().inputs()).extracting(TensorSpec::name).containsExactly("input");
        assertThat(version.signature().inputs().get(0).shape()).containsExactly(-1L, 2L);
        assertThat(version.signature().metadata()).containsKey(ONNXExportable.PROVENANCE_METADATA_FIELD);
        try (Scorer scorer = mlops.scorer(version.uri().toString())) {
            Prediction served = scorer.score(Map.of("input", new float[] {0.4f, -0.1f}));
            assertThat(served.outputs()).containsKey("output");
        }
    }

    /** Two standard-normal features; the label follows their sum, blurred by noise so no model is perfect. */
    private static String syntheticCsv(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < rows; i++) {
            double x1 = random.nextGaussian();
            double x2 = random.nextGaussian();
            String label = x1 + x2 + random.nextGaussian() > 0 ? "yes" : "no";
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%s%n", x1, x2, label));
        }
        return csv.toString();
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static Map<String, String> metadata(ModelProto model) {
        Map<String, String> metadata = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        return metadata;
    }

    /** Feature names in Tribuo's feature-id order, which is the column order of the ONNX input. */
    private static List<String> featureNames(LinearSGDModel model) {
        List<String> names = new ArrayList<>();
        for (int id = 0; id < model.getFeatureIDMap().size(); id++) {
            names.add(model.getFeatureIDMap().get(id).getName());
        }
        return names;
    }

    /** Labels in Tribuo's output-id order, which is the column order of the ONNX output. */
    private static List<String> classNames(LinearSGDModel model) {
        List<String> names = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            names.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return names;
    }

    private static Example<Label> example(List<String> features, double[] values) {
        return new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, features.toArray(String[]::new), values);
    }

    /** Names here are plain identifiers, so quoting needs no escapes. */
    private static String jsonArray(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(",", "[", "]"));
    }
}
