package io.mlops.samples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.mlops.samples.bank.BankMarketingData.BankClient;
import io.mlops.samples.bank.BankModelTrainer.TrainingResult;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * Trains the bank-marketing model on the real data file, then checks that the composed ONNX
 * pipeline, fed raw rows, reproduces Tribuo's own predictions on the whole test split.
 */
class BankModelTrainerTest {

    private static final int BATCH_SIZE = 1_000;
    private static final double PROBABILITY_TOLERANCE = 1e-5;

    private static BankMarketingData data;
    private static TrainingResult result;
    private static OrtEnvironment env;
    private static OrtSession session;

    @BeforeAll
    static void trainAndExport() throws OrtException {
        data = BankMarketingData.load(BankMarketingData.locateDefaultCsv());
        result = new BankModelTrainer().train(data);
        byte[] onnx = new OnnxPipelineExporter("io.mlops.samples", 1).exportBytes(result.model(), result.encoding());
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(onnx, new OrtSession.SessionOptions());
    }

    @AfterAll
    static void closeSession() throws OrtException {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void loadsAllRowsWithoutTheLeakyDurationColumn() {
        assertThat(data.rows()).hasSize(41_188);
        assertThat(data.rows().get(0).values().keySet())
                .containsExactlyElementsOf(BankMarketingData.FEATURE_COLUMNS)
                .doesNotContain("duration");
        assertThat(data.rows()).extracting(BankClient::label).containsOnly("yes", "no");
    }

    @Test
    void splitIsDeterministicAndDisjoint() {
        var a = data.split(7L, 0.8);
        var b = data.split(7L, 0.8);
        assertThat(a.train()).isEqualTo(b.train());
        assertThat(a.train().size() + a.test().size()).isEqualTo(data.rows().size());
        assertThat(a.train().size()).isEqualTo(Math.round(data.rows().size() * 0.8));
        assertThatThrownBy(() -> data.split(7L, 1.0)).hasMessageContaining("1.0");
    }

    @Test
    void beatsChanceAndTheMajorityClassOnTheTestSplit() {
        assertThat(result.testAuc()).isGreaterThan(0.75);
        long no = result.split().test().stream().filter(r -> r.label().equals("no")).count();
        double majorityBaseline = (double) no / result.split().test().size();
        assertThat(result.testAccuracy()).isGreaterThan(majorityBaseline);
        assertThat(result.metrics()).containsOnlyKeys("test_auc", "test_accuracy");
        assertThat(result.hyperParameters())
                .containsEntry("learning_rate", "0.1")
                .containsEntry("epochs", "5")
                .containsEntry("excluded_features", "duration");
    }

    @Test
    void onnxModelDeclaresRawInputsOutputsAndMetadata() throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        assertThat(inputs.keySet()).containsExactlyInAnyOrderElementsOf(BankMarketingData.FEATURE_COLUMNS);
        for (String column : BankMarketingData.FEATURE_COLUMNS) {
            TensorInfo info = (TensorInfo) inputs.get(column).getInfo();
            OnnxJavaType expected = BankMarketingData.NUMERIC_COLUMNS.contains(column)
                    ? OnnxJavaType.FLOAT : OnnxJavaType.STRING;
            assertThat(info.type).as(column).isEqualTo(expected);
            assertThat(info.getShape()).as(column).containsExactly(-1L, 1L);
        }
        assertThat(session.getOutputNames())
                .containsExactlyInAnyOrder(OnnxPipelineExporter.LABEL_OUTPUT, OnnxPipelineExporter.PROBABILITIES_OUTPUT);

        Map<String, String> metadata = session.getMetadata().getCustomMetadata();
        assertThat(metadata).containsEntry(OnnxPipelineExporter.METADATA_CLASSES,
                OnnxPipelineExporter.jsonArray(OnnxPipelineExporter.classNames(result.model())));
        assertThat(metadata.get(OnnxPipelineExporter.METADATA_CLASSES)).contains("\"yes\"", "\"no\"");
        assertThat(metadata).containsEntry(OnnxPipelineExporter.METADATA_FEATURES,
                OnnxPipelineExporter.jsonArray(BankMarketingData.FEATURE_COLUMNS));
        assertThat(metadata).containsKey("TRIBUO_PROVENANCE");
        assertThat(session.getMetadata().getProducerName()).startsWith("mlops-samples + tribuo");
    }

    @Test
    void onnxPipelineMatchesTribuoOnTheWholeTestSplit() throws OrtException {
        List<BankClient> test = result.split().test();
        List<String> classes = OnnxPipelineExporter.classNames(result.model());
        int compared = 0;
        for (int start = 0; start < test.size(); start += BATCH_SIZE) {
            List<BankClient> batch = test.subList(start, Math.min(test.size(), start + BATCH_SIZE));
            Scores onnx = scoreWithOnnx(batch);
            for (int i = 0; i < batch.size(); i++) {
                Prediction<Label> tribuo = predictWithTribuo(batch.get(i));
                for (int c = 0; c < classes.size(); c++) {
                    double expected = tribuo.getOutputScores().get(classes.get(c)).getScore();
                    assertThat((double) onnx.probabilities[i][c])
                            .as("row %d, class %s", start + i, classes.get(c))
                            .isCloseTo(expected, within(PROBABILITY_TOLERANCE));
                }
                assertThat(onnx.labels[i]).as("label of row %d", start + i)
                        .isEqualTo(tribuo.getOutput().getLabel());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(test.size());
    }

    @Test
    void unseenCategoryEncodesToZerosLikeTribuoIgnoresIt() throws OrtException {
        BankClient known = result.split().test().get(0);
        Map<String, String> values = new LinkedHashMap<>(known.values());
        values.put("job", "astronaut");
        BankClient unseen = new BankClient(values, known.label());
        assertThat(result.encoding().categories().get("job")).doesNotContain("astronaut");

        Scores onnx = scoreWithOnnx(List.of(unseen, known));
        Prediction<Label> tribuo = predictWithTribuo(unseen);
        List<String> classes = OnnxPipelineExporter.classNames(result.model());
        for (int c = 0; c < classes.size(); c++) {
            assertThat((double) onnx.probabilities[0][c])
                    .isCloseTo(tribuo.getOutputScores().get(classes.get(c)).getScore(), within(PROBABILITY_TOLERANCE));
        }
        // The job coefficient genuinely drops out, so the two rows must score differently.
        assertThat(onnx.probabilities[0][0]).isNotEqualTo(onnx.probabilities[1][0]);
    }

    @Test
    void rejectsMalformedValuesWithTheOffendingValue() {
        Map<String, String> values = new HashMap<>(result.split().test().get(0).values());
        values.put("age", "forty");
        BankClient bad = new BankClient(values, "no");
        assertThatThrownBy(bad::toScoringInput).hasMessageContaining("age").hasMessageContaining("forty");
        values.put("duration", "261");
        assertThatThrownBy(() -> new BankClient(values, "no")).hasMessageContaining("duration");
        values.remove("duration");
        values.remove("loan");
        assertThatThrownBy(() -> new BankClient(values, "no")).hasMessageContaining("loan");
    }

    private static Prediction<Label> predictWithTribuo(BankClient row) {
        return result.model().predict(result.encoding().toExample(row, LabelFactory.UNKNOWN_LABEL));
    }

    private record Scores(float[][] probabilities, String[] labels) {
    }

    /** Scores rows through ONNX Runtime, built from the scorer-shaped map, closing every native resource. */
    private static Scores scoreWithOnnx(List<BankClient> rows) throws OrtException {
        int n = rows.size();
        List<Map<String, Object>> inputs = rows.stream().map(BankClient::toScoringInput).toList();
        long[] shape = {n, 1};
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (String column : BankMarketingData.FEATURE_COLUMNS) {
                if (BankMarketingData.NUMERIC_COLUMNS.contains(column)) {
                    float[] values = new float[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = ((Double) inputs.get(i).get(column)).floatValue();
                    }
                    tensors.put(column, OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape));
                } else {
                    String[] values = new String[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = (String) inputs.get(i).get(column);
                    }
                    tensors.put(column, OnnxTensor.createTensor(env, values, shape));
                }
            }
            try (OrtSession.Result out = session.run(tensors,
                    Set.of(OnnxPipelineExporter.PROBABILITIES_OUTPUT, OnnxPipelineExporter.LABEL_OUTPUT))) {
                float[][] probabilities = (float[][]) out.get(OnnxPipelineExporter.PROBABILITIES_OUTPUT)
                        .orElseThrow().getValue();
                String[] labels = (String[]) out.get(OnnxPipelineExporter.LABEL_OUTPUT).orElseThrow().getValue();
                assertThat(probabilities).hasDimensions(n, OnnxPipelineExporter.classNames(result.model()).size());
                assertThat(labels).hasSize(n);
                return new Scores(probabilities, labels);
            }
        } finally {
            for (OnnxTensor tensor : tensors.values()) {
                tensor.close();
            }
        }
    }
}
