package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtException;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.serving.NanPolicy;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.api.spi.ModelFlavor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OnnxScorerTest {
    private static final String VOTING = "ort_sklearn_voting_soft_string_labels";
    private static final String LABEL_ENCODER = "onnx_ml_label_encoder_string_int";
    private static final String SET_MEMBERSHIP = "onnx_ml_tree_ensemble_set_membership";
    private static final String SINGLE_TREE = "onnx_ml_tree_ensemble_single_tree";

    private final OnnxFlavor flavor = new OnnxFlavor();

    private Scorer load(String name, byte[] bytes, ScorerOptions options) {
        return flavor.load(Conformance.version(name, bytes, flavor.inspect(bytes)), bytes, options);
    }

    private Scorer load(String name, ScorerOptions options) {
        return load(name, Conformance.model(name), options);
    }

    /** The voting classifier with its two input columns named x0 and x1. */
    private Scorer namedVoting() {
        byte[] bytes = Conformance.withMetadata(Conformance.model(VOTING), Map.of("features", "[\"x0\", \"x1\"]"));
        return load(VOTING, bytes, ScorerOptions.DEFAULTS);
    }

    @Test
    void flavor_isFoundByServiceLoaderAndRecognizesOnnxKeys() {
        assertThat(ServiceLoader.load(ModelFlavor.class).stream().map(p -> p.get().name())).contains("onnx");
        assertThat(flavor.recognizes("runs/42/model.ONNX")).isTrue();
        assertThat(flavor.recognizes("model.onnx")).isTrue();
        assertThat(flavor.recognizes("model.onnx.bak")).isFalse();
        assertThat(flavor.recognizes("model.pkl")).isFalse();
    }

    @Test
    void inspect_readsKindsTypesShapesAndMetadata() {
        byte[] bytes = Conformance.withMetadata(Conformance.model(VOTING), Map.of("classes", "[\"A\",\"B\"]"));
        ModelSignature signature = flavor.inspect(bytes);
        assertThat(signature.inputs()).containsExactly(TensorSpec.tensor("input", DataType.FLOAT, List.of(-1L, 2L)));
        assertThat(signature.outputs()).containsExactly(
                TensorSpec.tensor("output_label", DataType.STRING, List.of(-1L)),
                new TensorSpec("output_probability", ValueKind.SEQUENCE_OF_MAPS, DataType.FLOAT, DataType.STRING,
                        List.of()));
        assertThat(signature.metadata()).containsEntry("classes", "[\"A\",\"B\"]");
    }

    @Test
    void inspect_invalidBytes_failsWithCauseKept() {
        byte[] garbage = "this is not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> flavor.inspect(garbage))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(garbage.length + " bytes")
                .hasCauseInstanceOf(OrtException.class);
        assertThatThrownBy(() -> flavor.inspect(new byte[0])).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void score_missingFeature_namesItAndTheExpectedFeatures() {
        try (Scorer scorer = namedVoting()) {
            assertThatThrownBy(() -> scorer.score(Map.of("x0", 1.0)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("missing feature [x1]")
                    .hasMessageContaining("[x0, x1]");
        }
    }

    @Test
    void score_unknownFeature_namesItAndTheValidFeatures() {
        try (Scorer scorer = namedVoting()) {
            assertThatThrownBy(() -> scorer.score(Map.of("x0", 1.0, "x1", 2.0, "x2", 3.0)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("unknown feature [x2]")
                    .hasMessageContaining("[x0, x1]");
        }
    }

    @Test
    void score_wrongType_namesFeatureValueTypeAndExpectedType() {
        try (Scorer scorer = namedVoting()) {
            assertThatThrownBy(() -> scorer.score(Map.of("x0", "1.5", "x1", 2.0)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'x0'")
                    .hasMessageContaining("String (\"1.5\")")
                    .hasMessageContaining("FLOAT");
        }
        try (Scorer scorer = load(LABEL_ENCODER, ScorerOptions.DEFAULTS)) {
            assertThatThrownBy(() -> scorer.score(Map.of("X", 42)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'X'")
                    .hasMessageContaining("Integer (42)")
                    .hasMessageContaining("STRING");
        }
    }

    @Test
    void score_vectorOfWrongLength_namesLengths() {
        try (Scorer scorer = load(VOTING, ScorerOptions.DEFAULTS)) {
            assertThatThrownBy(() -> scorer.score(Map.of("input", new float[] {1f, 2f, 3f})))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'input' has 3 values; the model expects 2");
        }
    }

    @Test
    void score_vectorWithNaN_namesTheColumnWhateverTheArrayType() {
        try (Scorer scorer = load(VOTING, ScorerOptions.DEFAULTS)) {
            assertThatThrownBy(() -> scorer.score(Map.of("input", new float[] {1f, Float.NaN})))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'input'[1] is NaN");
            assertThatThrownBy(() -> scorer.score(Map.of("input", new double[] {Double.NaN, 1})))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'input'[0] is NaN");
            assertThatThrownBy(() -> scorer.score(Map.of("input", List.of(1.0, "two"))))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'input'[1] is a String (\"two\")");
        }
    }

    @Test
    void score_wideFloatVector_rejectsNaNWhereverItIsAndPassesInfinities() {
        int width = 11; // a block of eight values and a shorter tail
        try (Scorer scorer = load("vector-11", MixedInputsModel.vector(-1, width), ScorerOptions.DEFAULTS)) {
            for (int at = 0; at < width; at++) {
                float[] row = new float[width];
                row[at] = Float.NaN;
                assertThatThrownBy(() -> scorer.score(Map.of("x", row)))
                        .isInstanceOf(InvalidArgumentException.class)
                        .hasMessageContaining("'x'[" + at + "] is NaN");
            }
            float[] infinite = new float[width];
            infinite[2] = Float.POSITIVE_INFINITY;
            infinite[width - 1] = Float.NEGATIVE_INFINITY;
            List<Double> expected = new ArrayList<>();
            for (float v : infinite) {
                expected.add((double) v);
            }
            assertThat(scorer.score(Map.of("x", infinite)).values()).isEqualTo(expected);
        }
    }

    @Test
    void score_vectorAsFloatsDoublesOrList_givesTheSamePrediction() {
        try (Scorer scorer = load(VOTING, ScorerOptions.DEFAULTS)) {
            Prediction floats = scorer.score(Map.of("input", new float[] {0.25f, 1.5f}));
            assertThat(scorer.score(Map.of("input", new double[] {0.25, 1.5}))).isEqualTo(floats);
            assertThat(scorer.score(Map.of("input", List.of(0.25, 1.5)))).isEqualTo(floats);
        }
    }

    /** Batch sizes on both sides of every pooled buffer size, reusing each pooled buffer several times. */
    @Test
    void scoreBatch_acrossPooledSizeClasses_matchesRowByRowScoring() {
        Random random = new Random(11);
        try (Scorer scorer = load(VOTING, ScorerOptions.DEFAULTS)) {
            for (int size : new int[] {1, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024, 1025, 64, 256, 1}) {
                List<Map<String, ?>> rows = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    rows.add(Map.of("input", new float[] {random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2}));
                }
                List<Prediction> batch = scorer.scoreBatch(rows);
                assertThat(batch).hasSize(size);
                for (int i = 0; i < size; i += Math.max(1, size / 7)) {
                    assertSameAnswer(batch.get(i), scorer.score(rows.get(i)), "row " + i + " of " + size);
                }
                assertSameAnswer(batch.get(size - 1), scorer.score(rows.get(size - 1)), "last row of " + size);
            }
        }
    }

    /**
     * Same label and probabilities to float precision: ONNX Runtime's kernels may round the last
     * bit differently for large batches, while a row read from the wrong place differs by far more.
     */
    private static void assertSameAnswer(Prediction actual, Prediction expected, String what) {
        assertThat(actual.label()).as(what).isEqualTo(expected.label());
        assertThat(actual.probabilities().keySet()).as(what).containsExactlyElementsOf(expected.probabilities().keySet());
        expected.probabilities().forEach((label, p) ->
                assertThat(actual.probability(label)).as(what + ", P(" + label + ")").isCloseTo(p, within(1e-6)));
    }

    @Test
    void score_namedFeaturesAndVectorGiveTheSamePrediction() {
        try (Scorer scorer = namedVoting()) {
            Prediction named = scorer.score(Map.of("x0", 0.25, "x1", 1.5));
            Prediction vector = scorer.score(Map.of("input", List.of(0.25, 1.5)));
            assertThat(named).isEqualTo(vector);
            Map<String, Object> tensors = scorer.scoreTensors(Map.of("input", new float[][] {{0.25f, 1.5f}}));
            assertThat(named.label()).contains(((String[]) tensors.get("output_label"))[0]);
            assertThat(named.probabilities().keySet()).containsExactly("A", "B");
        }
    }

    @Test
    void score_nan_rejectedByDefaultAndPassedThroughWhenAllowed() {
        try (Scorer strict = load(SET_MEMBERSHIP, ScorerOptions.DEFAULTS)) {
            assertThatThrownBy(() -> strict.score(Map.of("X", Float.NaN)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'X' is NaN")
                    .hasMessageContaining("PASS_THROUGH");
        }
        ScorerOptions lenient = ScorerOptions.builder().nanPolicy(NanPolicy.PASS_THROUGH).build();
        try (Scorer scorer = load(SET_MEMBERSHIP, lenient)) {
            Prediction p = scorer.score(Map.of("X", Double.NaN));
            float[][] allNan = new float[6][1];
            for (float[] row : allNan) {
                row[0] = Float.NaN;
            }
            float[][] expected = (float[][]) scorer.scoreTensors(Map.of("X", allNan)).get("Y");
            assertThat(p.kind()).isEqualTo(PredictionKind.REGRESSION);
            assertThat(p.values()).containsExactly(toDoubles(expected[0]));
        }
    }

    @Test
    void scoreBatch_aboveMaximum_isRefusedAndEmptyBatchIsEmpty() {
        ScorerOptions small = ScorerOptions.builder().maxBatchRows(2).build();
        try (Scorer scorer = load(VOTING, small)) {
            List<Map<String, ?>> three = List.of(Map.of("input", new float[] {0, 1}), Map.of("input", new float[] {1, 1}),
                    Map.of("input", new float[] {2, 0}));
            assertThatThrownBy(() -> scorer.scoreBatch(three))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("batch of 3 rows exceeds maxBatchRows 2");
            assertThat(scorer.scoreBatch(List.of())).isEmpty();
        }
    }

    @Test
    void classesMetadata_turnsSingleProbabilityOutputIntoClassification() {
        double[][] x = {{1.2, 3.4}, {-0.12, 1.66}, {4.14, 1.77}};
        double[][] raw;
        try (Scorer plain = load(SINGLE_TREE, ScorerOptions.DEFAULTS)) {
            raw = (double[][]) plain.scoreTensors(Map.of("X", x)).get("Y");
        }
        byte[] bytes = Conformance.withMetadata(Conformance.model(SINGLE_TREE), Map.of("classes", "[\"low\",\"high\"]"));
        try (Scorer scorer = load(SINGLE_TREE, bytes, ScorerOptions.DEFAULTS)) {
            for (int r = 0; r < x.length; r++) {
                Prediction p = scorer.score(Map.of("X", x[r]));
                String best = raw[r][1] > raw[r][0] ? "high" : "low";
                assertThat(p.kind()).isEqualTo(PredictionKind.CLASSIFICATION);
                assertThat(p.label()).contains(best);
                assertThat(p.probabilities()).containsExactly(Map.entry("low", raw[r][0]), Map.entry("high", raw[r][1]));
            }
        }
    }

    @Test
    void scoreTensors_wrongInputs_listsEveryProblem() {
        try (Scorer scorer = load(VOTING, ScorerOptions.DEFAULTS)) {
            assertThatThrownBy(() -> scorer.scoreTensors(Map.of("input", new double[][] {{1, 2}}, "extra", 1f)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'extra' is not an input")
                    .hasMessageContaining("'input' is a double[][], expected a float[][]");
        }
    }

    @Test
    void concurrentScoring_fromEightThreads_matchesSequentialAnswers() throws Exception {
        Random random = new Random(7);
        List<Map<String, ?>> rows = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            rows.add(Map.of("input", new float[] {random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2}));
        }
        try (Scorer scorer = load(VOTING, ScorerOptions.DEFAULTS)) {
            List<Prediction> sequential = new ArrayList<>();
            for (Map<String, ?> row : rows) {
                sequential.add(scorer.score(row));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<Prediction>>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t * 250;
                    futures.add(pool.submit(() -> {
                        List<Prediction> mine = new ArrayList<>();
                        // Each thread walks every row from its own starting point, mixing single rows and batches.
                        for (int i = 0; i < rows.size(); i++) {
                            int at = (offset + i) % rows.size();
                            mine.add(i % 3 == 0 ? scorer.scoreBatch(List.of(rows.get(at))).get(0)
                                    : scorer.score(rows.get(at)));
                        }
                        return mine;
                    }));
                }
                for (int t = 0; t < 8; t++) {
                    List<Prediction> mine = futures.get(t).get(60, TimeUnit.SECONDS);
                    for (int i = 0; i < rows.size(); i++) {
                        assertThat(mine.get(i)).isEqualTo(sequential.get((t * 250 + i) % rows.size()));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(sequential.stream().map(p -> p.label().orElseThrow()).distinct()).containsExactlyInAnyOrder("A", "B");
        }
    }

    @Test
    void close_isIdempotentAndLaterCallsFailClearly() {
        Scorer scorer = load(VOTING, ScorerOptions.DEFAULTS);
        Map<String, Object> row = Map.of("input", new float[] {0, 1});
        assertThat(scorer.score(row).label()).isPresent();
        scorer.close();
        scorer.close();
        assertThatThrownBy(() -> scorer.score(row)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("is closed").hasMessageContaining(VOTING);
        assertThatThrownBy(() -> scorer.scoreBatch(List.of(row))).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> scorer.scoreTensors(Map.of("input", new float[][] {{0, 1}})))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void load_otherFlavor_isRefused() {
        byte[] bytes = Conformance.model(VOTING);
        var version = Conformance.version(VOTING, bytes, flavor.inspect(bytes));
        var pickled = new io.mlops.api.registry.ModelVersion(version.name(), 1, null, "model.pkl", version.sha256(),
                bytes.length, "sklearn", version.signature(), null, null, null, null, 0L);
        assertThatThrownBy(() -> flavor.load(pickled, bytes, ScorerOptions.DEFAULTS))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'sklearn'");
    }

    private static Double[] toDoubles(float[] values) {
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (double) values[i];
        }
        return out;
    }
}
