package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.NanPolicy;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Scorer#scoreColumns}: a batch given column by column must score exactly as the same rows
 * given as maps, for every input type, layout and batch size, and refuse what the maps would
 * refuse, naming the column and the row.
 */
class ScoreColumnsTest {
    private static final String VOTING = "ort_sklearn_voting_soft_string_labels";

    private final OnnxFlavor flavor = new OnnxFlavor();

    private Scorer load(String name, byte[] bytes, ScorerOptions options) {
        return flavor.load(Conformance.version(name, bytes, flavor.inspect(bytes)), bytes, options);
    }

    private Scorer mixed(ScorerOptions options) {
        return load("mixed", MixedInputsModel.bytes(-1), options);
    }

    /** Random columns of every type the mixed model takes, and the same rows as maps. */
    private record Batch(FeatureColumns columns, List<Map<String, ?>> rows, float[] f, double[] d, long[] n, int[] i,
            boolean[] b, String[] s) {
        static Batch random(int size, long seed) {
            Random random = new Random(seed);
            float[] f = new float[size];
            double[] d = new double[size];
            long[] n = new long[size];
            int[] i = new int[size];
            boolean[] b = new boolean[size];
            String[] s = new String[size];
            List<Map<String, ?>> rows = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                f[r] = random.nextFloat() * 100 - 50;
                d[r] = random.nextGaussian() * 1e3;
                n[r] = random.nextInt(2_000_000) - 1_000_000;
                i[r] = random.nextInt(20_000) - 10_000;
                b[r] = random.nextBoolean();
                s[r] = "client-" + r + "-" + random.nextInt(1000);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("f", f[r]);
                row.put("d", d[r]);
                row.put("n", n[r]);
                row.put("i", i[r]);
                row.put("b", b[r]);
                row.put("s", s[r]);
                rows.add(row);
            }
            FeatureColumns columns = FeatureColumns.builder().numbers("f", f).numbers("d", d).numbers("n", n)
                    .numbers("i", i).booleans("b", b).strings("s", s).build();
            return new Batch(columns, rows, f, d, n, i, b, s);
        }
    }

    @Test
    void scoreColumns_everyInputType_reachesTheModelInItsRowAndMatchesRowMaps() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            // Both sides of the pooled buffer sizes, and beyond the largest pooled size.
            for (int size : new int[] {1, 63, 64, 65, 256, 257, 1025, 3}) {
                Batch batch = Batch.random(size, size);
                List<Prediction> fromColumns = scorer.scoreColumns(batch.columns());
                List<Prediction> fromRows = scorer.scoreBatch(batch.rows());
                assertThat(fromColumns).hasSize(size);
                for (int r = 0; r < size; r++) {
                    Prediction p = fromColumns.get(r);
                    String where = "row " + r + " of " + size;
                    assertThat(p.label()).as(where).contains(batch.s()[r]);
                    assertThat(p.probability("0")).as(where).isEqualTo(batch.f()[r]);
                    assertThat(p.probability("1")).as(where).isEqualTo((float) batch.d()[r]);
                    assertThat(p.probability("2")).as(where).isEqualTo((float) batch.n()[r]);
                    assertThat(p.probability("3")).as(where).isEqualTo((float) batch.i()[r]);
                    assertThat(p.probability("4")).as(where).isEqualTo(batch.b()[r] ? 1.0 : 0.0);
                    assertThat(p.label()).as(where).isEqualTo(fromRows.get(r).label());
                    assertThat(p.probabilities()).as(where).isEqualTo(fromRows.get(r).probabilities());
                }
            }
        }
    }

    @Test
    void scoreColumns_numbersOfAnotherJavaType_areConvertedAsRowMapsWouldBe() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            FeatureColumns columns = FeatureColumns.builder()
                    .numbers("f", new int[] {7, -3})              // FLOAT input from int
                    .numbers("d", new long[] {1L << 40, 5})         // DOUBLE input from long
                    .numbers("n", new double[] {12.0, -4.0})        // INT64 input from whole doubles
                    .numbers("i", new float[] {3f, 9f})             // INT32 input from whole floats
                    .booleans("b", new boolean[] {true, false})
                    .strings("s", new String[] {"a", "b"})
                    .build();
            List<Prediction> p = scorer.scoreColumns(columns);
            assertThat(p.get(0).probabilities()).containsExactly(Map.entry("0", 7.0), Map.entry("1", (double) (float) (1L << 40)),
                    Map.entry("2", 12.0), Map.entry("3", 3.0), Map.entry("4", 1.0));
            assertThat(p.get(1).probabilities()).containsExactly(Map.entry("0", -3.0), Map.entry("1", 5.0),
                    Map.entry("2", -4.0), Map.entry("3", 9.0), Map.entry("4", 0.0));
            assertThat(p).extracting(x -> x.label().orElseThrow()).containsExactly("a", "b");
        }
    }

    private static FeatureColumns.Builder valid(int rows) {
        return FeatureColumns.builder().numbers("f", new float[rows]).numbers("d", new double[rows])
                .numbers("n", new long[rows]).numbers("i", new int[rows]).booleans("b", new boolean[rows])
                .strings("s", texts(rows));
    }

    private static String[] texts(int rows) {
        String[] s = new String[rows];
        java.util.Arrays.fill(s, "x");
        return s;
    }

    @Test
    void scoreColumns_badValues_nameTheColumnTheRowAndWhatIsValid() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            FeatureColumns nan = FeatureColumns.builder().numbers("f", new float[] {1, 2, Float.NaN})
                    .numbers("d", new double[3]).numbers("n", new long[3]).numbers("i", new int[3])
                    .booleans("b", new boolean[3]).strings("s", texts(3)).build();
            assertThatThrownBy(() -> scorer.scoreColumns(nan))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 2: feature 'f' is NaN")
                    .hasMessageContaining("PASS_THROUGH");
            FeatureColumns nanDouble = FeatureColumns.builder().numbers("f", new float[3])
                    .numbers("d", new double[] {0, Double.NaN, 0}).numbers("n", new long[3]).numbers("i", new int[3])
                    .booleans("b", new boolean[3]).strings("s", texts(3)).build();
            assertThatThrownBy(() -> scorer.scoreColumns(nanDouble))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 1: feature 'd' is NaN");
            FeatureColumns fraction = FeatureColumns.builder().numbers("f", new float[2]).numbers("d", new double[2])
                    .numbers("n", new double[] {1.0, 2.5}).numbers("i", new int[2])
                    .booleans("b", new boolean[2]).strings("s", texts(2)).build();
            assertThatThrownBy(() -> scorer.scoreColumns(fraction))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 1: feature 'n' is a Double (2.5)")
                    .hasMessageContaining("whole number for the model's INT64 input 'n'");
            FeatureColumns tooLarge = FeatureColumns.builder().numbers("f", new float[2]).numbers("d", new double[2])
                    .numbers("n", new long[2]).numbers("i", new long[] {0, 1L << 33})
                    .booleans("b", new boolean[2]).strings("s", texts(2)).build();
            assertThatThrownBy(() -> scorer.scoreColumns(tooLarge))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 1: feature 'i' is 8589934592, outside the INT32 range");
            FeatureColumns textForNumber = FeatureColumns.builder().strings("f", texts(2)).numbers("d", new double[2])
                    .numbers("n", new long[2]).numbers("i", new int[2])
                    .booleans("b", new boolean[2]).strings("s", texts(2)).build();
            assertThatThrownBy(() -> scorer.scoreColumns(textForNumber))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("column 'f' holds String values; expected float, double, long or int values"
                            + " (model type FLOAT)");
            FeatureColumns numberForBool = FeatureColumns.builder().numbers("f", new float[2]).numbers("d", new double[2])
                    .numbers("n", new long[2]).numbers("i", new int[2])
                    .numbers("b", new int[] {1, 0}).strings("s", texts(2)).build();
            assertThatThrownBy(() -> scorer.scoreColumns(numberForBool))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("column 'b' holds int values; expected boolean values (model type BOOL)");
        }
        ScorerOptions lenient = ScorerOptions.builder().nanPolicy(NanPolicy.PASS_THROUGH).build();
        try (Scorer scorer = mixed(lenient)) {
            FeatureColumns nan = FeatureColumns.builder().numbers("f", new float[] {Float.NaN})
                    .numbers("d", new double[1]).numbers("n", new long[1]).numbers("i", new int[1])
                    .booleans("b", new boolean[1]).strings("s", texts(1)).build();
            assertThat(scorer.scoreColumns(nan).get(0).probability("0")).isNaN();
        }
    }

    @Test
    void scoreColumns_refusesWhatRowMapsRefuse_namingTheSameFeatureAndRow() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            Batch batch = Batch.random(4, 9);
            List<FeatureColumns> bad = List.of(
                    replace(batch, "f", b -> b.numbers("f", new float[] {0, 0, 0, Float.NaN})),
                    replace(batch, "n", b -> b.numbers("n", new double[] {1, 2, 3.25, 4})),
                    replace(batch, "i", b -> b.numbers("i", new long[] {0, 0, -(1L << 40), 0})),
                    replace(batch, "d", b -> b.strings("d", new String[] {"1", "2", "3", "4"})));
            List<String> expected = List.of("row 3: feature 'f' is NaN", "row 2: feature 'n' is a Double (3.25)",
                    "row 2: feature 'i' is -1099511627776, outside the INT32 range", "'d'");
            for (int k = 0; k < bad.size(); k++) {
                FeatureColumns columns = bad.get(k);
                assertThatThrownBy(() -> scorer.scoreColumns(columns)).as(columns.toString())
                        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(expected.get(k));
                assertThatThrownBy(() -> scorer.scoreBatch(columns.asRows())).as("as row maps: " + columns)
                        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(expected.get(k));
            }
        }
    }

    /** The batch's columns with one of them given differently. */
    private static FeatureColumns replace(Batch batch, String name,
            java.util.function.Consumer<FeatureColumns.Builder> replacement) {
        FeatureColumns.Builder b = FeatureColumns.builder();
        for (String column : batch.columns().names()) {
            if (column.equals(name)) {
                replacement.accept(b);
                continue;
            }
            switch (batch.columns().type(column)) {
                case FLOAT -> b.numbers(column, batch.f());
                case DOUBLE -> b.numbers(column, batch.d());
                case LONG -> b.numbers(column, batch.n());
                case INT -> b.numbers(column, batch.i());
                case BOOLEAN -> b.booleans(column, batch.b());
                case STRING -> b.strings(column, batch.s());
            }
        }
        return b.build();
    }

    @Test
    void scoreColumns_badValueInALaterChunk_isRefusedNamingItsRowInTheBatch_andLeavesNothingBehind() {
        try (Scorer scorer = load("mixed-fixed", MixedInputsModel.bytes(3), ScorerOptions.DEFAULTS)) {
            Batch batch = Batch.random(8, 4);
            FeatureColumns late = replace(batch, "d", b -> b.numbers("d", new double[] {0, 0, 0, 0, 0, 0, Double.NaN, 0}));
            assertThatThrownBy(() -> scorer.scoreColumns(late))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 6: feature 'd' is NaN");
            // The failed call left nothing behind in the pooled buffers: the same batch, valid, scores right.
            List<Prediction> after = scorer.scoreColumns(batch.columns());
            for (int r = 0; r < 8; r++) {
                assertThat(after.get(r).probability("1")).as("row " + r).isEqualTo((float) batch.d()[r]);
                assertThat(after.get(r).label()).as("row " + r).contains(batch.s()[r]);
            }
        }
    }

    @Test
    void scoreColumns_matrixInputOfEveryNumericType_placesEachNamedColumnInItsPlace() {
        int[] types = {ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE,
            ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE,
            ai.onnx.proto.OnnxMl.TensorProto.DataType.INT64_VALUE,
            ai.onnx.proto.OnnxMl.TensorProto.DataType.INT32_VALUE};
        int size = 70;
        long[] a = new long[size];
        int[] b = new int[size];
        double[] c = new double[size];
        for (int r = 0; r < size; r++) {
            a[r] = r * 3L - 100;
            b[r] = -r;
            c[r] = r % 7;
        }
        // Given in another order than the model lists them, and each of another Java type.
        FeatureColumns columns = FeatureColumns.builder().numbers("c", c).numbers("a", a).numbers("b", b).build();
        for (int type : types) {
            for (long batch : new long[] {-1, 4}) {
                try (Scorer scorer = load("matrix-" + type + "-" + batch, MixedInputsModel.matrix(type, batch),
                        ScorerOptions.DEFAULTS)) {
                    List<Prediction> fromColumns = scorer.scoreColumns(columns);
                    List<Prediction> fromRows = scorer.scoreBatch(columns.asRows());
                    for (int r = 0; r < size; r++) {
                        assertThat(fromColumns.get(r).values()).as("type %d, batch %d, row %d", type, batch, r)
                                .containsExactly((double) a[r], (double) b[r], c[r])
                                .isEqualTo(fromRows.get(r).values());
                    }
                }
            }
        }
    }

    @Test
    void scoreBatch_rowsOfMixedMapTypesKeyOrdersAndKeyObjects_eachReachTheModelInPlace() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            Batch batch = Batch.random(60, 11);
            List<Map<String, ?>> rows = new ArrayList<>();
            for (int r = 0; r < batch.rows().size(); r++) {
                Map<String, ?> given = batch.rows().get(r);
                List<String> keys = new ArrayList<>(given.keySet());
                Map<String, Object> row = switch (r % 5) {
                    case 0 -> new LinkedHashMap<>();
                    case 1 -> new java.util.HashMap<>();
                    case 2 -> new java.util.TreeMap<>();
                    default -> new LinkedHashMap<>();
                };
                if (r % 5 == 3) {
                    java.util.Collections.reverse(keys);
                } else if (r % 5 == 4) {
                    java.util.Collections.rotate(keys, r);
                }
                for (String key : keys) {
                    // Odd rows use keys that are equal to the feature names but not the same objects, as parsed JSON has.
                    row.put(r % 2 == 1 ? new String(key.toCharArray()) : key, given.get(key));
                }
                rows.add(row);
            }
            List<Prediction> answers = scorer.scoreBatch(rows);
            for (int r = 0; r < rows.size(); r++) {
                assertThat(answers.get(r).label()).as("row " + r).contains(batch.s()[r]);
                assertThat(answers.get(r).probabilities()).as("row " + r).containsExactly(
                        Map.entry("0", (double) batch.f()[r]), Map.entry("1", (double) (float) batch.d()[r]),
                        Map.entry("2", (double) (float) batch.n()[r]), Map.entry("3", (double) (float) batch.i()[r]),
                        Map.entry("4", batch.b()[r] ? 1.0 : 0.0));
            }
        }
    }

    @Test
    void scoreBatch_aRowWithASwappedOrMissingKey_isRefusedAndLeavesNothingBehind() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            Batch first = Batch.random(8, 21);
            scorer.scoreBatch(first.rows());
            Batch second = Batch.random(8, 22);
            List<Map<String, ?>> swapped = new ArrayList<>(second.rows());
            Map<String, Object> renamed = new LinkedHashMap<>(second.rows().get(1));
            renamed.put("age", renamed.remove("n")); // same size, one key not a feature
            swapped.set(1, renamed);
            assertThatThrownBy(() -> scorer.scoreBatch(swapped))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 1 is missing feature [n] and has unknown feature [age]");
            Map<String, Object> lacking = new LinkedHashMap<>(second.rows().get(2));
            lacking.remove("b");
            swapped.set(1, second.rows().get(1));
            swapped.set(2, lacking);
            assertThatThrownBy(() -> scorer.scoreBatch(swapped))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 2 is missing feature [b]");
            List<Prediction> answers = scorer.scoreBatch(second.rows());
            for (int r = 0; r < 8; r++) {
                assertThat(answers.get(r).probability("2")).as("row " + r).isEqualTo((float) second.n()[r]);
                assertThat(answers.get(r).probability("4")).as("row " + r).isEqualTo(second.b()[r] ? 1.0 : 0.0);
            }
        }
    }

    @Test
    void scoreBatch_nullValues_areRefused_andTheFirstBadValueInModelOrderIsNamed() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            Map<String, Object> nullFeature = new LinkedHashMap<>(Batch.random(1, 23).rows().get(0));
            nullFeature.put("i", null);
            assertThatThrownBy(() -> scorer.scoreBatch(List.of(nullFeature)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 0: feature 'i' is null");
            Map<String, Object> nullExtra = new LinkedHashMap<>(Batch.random(1, 23).rows().get(0));
            nullExtra.put("comment", null);
            assertThatThrownBy(() -> scorer.scoreBatch(List.of(nullExtra)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 0 has unknown feature [comment]");
            // Two bad values, the later one first in the map: the model's order decides which is named.
            Map<String, Object> twoBad = new LinkedHashMap<>();
            twoBad.put("s", 7);
            Batch.random(1, 23).rows().get(0).forEach((k, v) -> twoBad.putIfAbsent(k, v));
            twoBad.put("f", "not a number");
            assertThatThrownBy(() -> scorer.scoreBatch(List.of(twoBad)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'f'");
        }
    }

    @Test
    void scoreBatch_mapsThatSwallowErrorsOrMatchKeysLoosely_areJudgedByLookingFeaturesUp() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            Batch batch = Batch.random(3, 24);
            // A map whose forEach swallows what the callback throws must not let a bad value pass.
            Map<String, Object> badValue = new LinkedHashMap<>(batch.rows().get(0));
            badValue.put("n", 2.5); // not a whole number for the INT64 input
            Map<String, Object> swallowing = new LinkedHashMap<>(badValue) {
                @Override
                public void forEach(java.util.function.BiConsumer<? super String, ? super Object> action) {
                    super.forEach((k, v) -> {
                        try {
                            action.accept(k, v);
                        } catch (RuntimeException ignored) {
                            // the kind of wrapper that logs and carries on
                        }
                    });
                }
            };
            assertThatThrownBy(() -> scorer.scoreBatch(List.of(swallowing)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("'n'");
            // A case-insensitive map finds the features by lookup, as it always did.
            List<Map<String, ?>> upper = new ArrayList<>();
            for (Map<String, ?> row : batch.rows()) {
                Map<String, Object> loose = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                row.forEach((k, v) -> loose.put(k.toUpperCase(java.util.Locale.ROOT), v));
                upper.add(loose);
            }
            List<Prediction> answers = scorer.scoreBatch(upper);
            for (int r = 0; r < 3; r++) {
                assertThat(answers.get(r).label()).as("row " + r).contains(batch.s()[r]);
                assertThat(answers.get(r).probability("3")).as("row " + r).isEqualTo((float) batch.i()[r]);
            }
        }
    }

    @Test
    void scoreBatch_identityMapGivingOneFeatureTwiceAndLackingAnother_isRefused() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            Map<String, Object> row = new java.util.IdentityHashMap<>(Batch.random(1, 12).rows().get(0));
            Object i = row.remove("i");
            row.put(new String("f".toCharArray()), 1f); // equal to "f", not the same object
            assertThat(i).isNotNull();
            assertThat(row).hasSize(6);
            assertThatThrownBy(() -> scorer.scoreBatch(List.of(row)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 0 is missing feature")
                    .hasMessageContaining("i");
        }
    }

    @Test
    void scoreColumns_concurrentCallersMixedWithRowMaps_eachGetTheirOwnRows() throws Exception {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        int wrong = 0;
                        for (int call = 0; call < 60; call++) {
                            Batch batch = Batch.random(1 + (thread * 37 + call * 11) % 300, thread * 1000L + call);
                            List<Prediction> answers = thread % 2 == 0 ? scorer.scoreColumns(batch.columns())
                                    : scorer.scoreBatch(batch.rows());
                            for (int r = 0; r < answers.size(); r++) {
                                if (!answers.get(r).label().orElseThrow().equals(batch.s()[r])
                                        || answers.get(r).probability("0") != batch.f()[r]) {
                                    wrong++;
                                }
                            }
                        }
                        return wrong;
                    }));
                }
                for (java.util.concurrent.Future<Integer> f : results) {
                    assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void scoreColumns_missingAndUnknownColumns_areNamedTogetherWithTheExpectedFeatures() {
        try (Scorer scorer = mixed(ScorerOptions.DEFAULTS)) {
            FeatureColumns columns = FeatureColumns.builder().numbers("f", new float[1]).numbers("d", new double[1])
                    .numbers("n", new long[1]).numbers("i", new int[1]).numbers("age", new double[1])
                    .strings("s", texts(1)).build();
            assertThatThrownBy(() -> scorer.scoreColumns(columns))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("lack feature [b]")
                    .hasMessageContaining("unknown feature [age]")
                    .hasMessageContaining("[f, d, n, i, b, s]");
        }
    }

    @Test
    void scoreColumns_fixedBatchModel_runsInChunksAndMatchesRowMaps() {
        try (Scorer scorer = load("mixed-fixed", MixedInputsModel.bytes(3), ScorerOptions.DEFAULTS)) {
            Batch batch = Batch.random(7, 3);
            List<Prediction> fromColumns = scorer.scoreColumns(batch.columns());
            assertThat(fromColumns).hasSize(7);
            assertThat(fromColumns).extracting(p -> p.label().orElseThrow()).containsExactly(batch.s());
            assertThat(fromColumns).extracting(Prediction::probabilities)
                    .containsExactlyElementsOf(scorer.scoreBatch(batch.rows()).stream().map(Prediction::probabilities)
                            .toList());
        }
    }

    @Test
    void scoreColumns_namedColumnsOfOneMatrixInput_matchVectorRows() {
        byte[] bytes = Conformance.withMetadata(Conformance.model(VOTING), Map.of("features", "[\"x0\", \"x1\"]"));
        Random random = new Random(5);
        int size = 100;
        float[] x0 = new float[size];
        float[] x1 = new float[size];
        List<Map<String, ?>> rows = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            x0[r] = random.nextFloat() * 4 - 2;
            x1[r] = random.nextFloat() * 4 - 2;
            rows.add(Map.of("input", new float[] {x0[r], x1[r]}));
        }
        try (Scorer scorer = load(VOTING, bytes, ScorerOptions.DEFAULTS)) {
            // Given in the other order than the model lists them: columns go by name.
            List<Prediction> fromColumns = scorer.scoreColumns(
                    FeatureColumns.builder().numbers("x1", x1).numbers("x0", x0).build());
            List<Prediction> fromRows = scorer.scoreBatch(rows);
            for (int r = 0; r < size; r++) {
                assertThat(fromColumns.get(r).label()).as("row " + r).isEqualTo(fromRows.get(r).label());
                for (String c : List.of("A", "B")) {
                    assertThat(fromColumns.get(r).probability(c)).as("row " + r)
                            .isCloseTo(fromRows.get(r).probability(c), within(1e-6));
                }
            }
        }
    }

    @Test
    void scoreColumns_modelTakingOnlyAWholeVector_isRefusedAsRowMapsWouldBe() {
        try (Scorer scorer = load(VOTING, Conformance.model(VOTING), ScorerOptions.DEFAULTS)) {
            FeatureColumns columns = FeatureColumns.builder().numbers("x0", new float[1]).build();
            assertThatThrownBy(() -> scorer.scoreColumns(columns))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 0 has features [x0]")
                    .hasMessageContaining("takes only 'input'");
        }
    }

    /** {@code rows} vectors of {@code width} values from a seed, with an infinity in row 3. */
    private static float[][] vectors(int rows, int width, long seed) {
        Random random = new Random(seed);
        float[][] vectors = new float[rows][width];
        for (float[] v : vectors) {
            for (int c = 0; c < width; c++) {
                v[c] = (float) random.nextGaussian();
            }
        }
        vectors[3][width - 1] = Float.POSITIVE_INFINITY;
        return vectors;
    }

    private static List<Double> asDoubles(float[] values) {
        List<Double> doubles = new ArrayList<>();
        for (float v : values) {
            doubles.add((double) v);
        }
        return doubles;
    }

    @Test
    void scoreColumns_vectorColumn_givesEachRowItsOwnVectorWhateverTheModelFixes() {
        int width = 11; // the NaN check reads blocks of eight and a tail
        float[][] vectors = vectors(37, width, 7);
        FeatureColumns columns = FeatureColumns.builder().vectors("x", vectors).build();
        for (long batch : new long[] {-1, 4}) {
            for (int modelWidth : new int[] {width, -1}) {
                try (Scorer scorer = load("vector-" + batch + "-" + modelWidth,
                        MixedInputsModel.vector(batch, modelWidth), ScorerOptions.DEFAULTS)) {
                    List<Prediction> fromColumns = scorer.scoreColumns(columns);
                    List<Prediction> fromRows = scorer.scoreBatch(columns.asRows());
                    assertThat(fromColumns).hasSize(vectors.length);
                    for (int r = 0; r < vectors.length; r++) {
                        assertThat(fromColumns.get(r).values()).as("batch %d, width %d, row %d", batch, modelWidth, r)
                                .isEqualTo(asDoubles(vectors[r]))
                                .isEqualTo(fromRows.get(r).values());
                    }
                }
            }
        }
    }

    @Test
    void scoreColumns_vectorColumnWithNaN_namesRowAndPositionBeforeAnyChunkRuns() {
        try (Scorer scorer = load("vector-fixed", MixedInputsModel.vector(4, 11), ScorerOptions.DEFAULTS)) {
            float[][] vectors = vectors(10, 11, 8);
            float[][] late = vectors.clone();
            late[9] = late[9].clone();
            late[9][10] = Float.NaN;
            assertThatThrownBy(() -> scorer.scoreColumns(FeatureColumns.builder().vectors("x", late).build()))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("row 9: 'x'[10] is NaN");
            // Nothing of the refused batch is left in the pooled buffers.
            List<Prediction> after = scorer.scoreColumns(FeatureColumns.builder().vectors("x", vectors).build());
            for (int r = 0; r < vectors.length; r++) {
                assertThat(after.get(r).values()).as("row " + r).isEqualTo(asDoubles(vectors[r]));
            }
        }
        ScorerOptions passThrough = ScorerOptions.builder().nanPolicy(NanPolicy.PASS_THROUGH).build();
        try (Scorer scorer = load("vector-pass", MixedInputsModel.vector(-1, 3), passThrough)) {
            FeatureColumns withNaN = FeatureColumns.builder().vectors("x", new float[][] {{1f, Float.NaN, 2f}}).build();
            assertThat(scorer.scoreColumns(withNaN).get(0).values().get(1)).isNaN();
        }
    }

    @Test
    void scoreColumns_vectorColumnOfOtherLength_namesBothLengths() {
        try (Scorer scorer = load("vector-11", MixedInputsModel.vector(-1, 11), ScorerOptions.DEFAULTS)) {
            FeatureColumns short5 = FeatureColumns.builder().vectors("x", new float[][] {new float[5]}).build();
            assertThatThrownBy(() -> scorer.scoreColumns(short5))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessage("vector column 'x' has 5 values per row; the model expects 11");
            FeatureColumns withOther = FeatureColumns.builder().vectors("x", new float[][] {new float[11]})
                    .numbers("age", new float[1]).build();
            assertThatThrownBy(() -> scorer.scoreColumns(withOther))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("gives the whole vector 'x' and also the features [age]");
        }
    }

    @Test
    void scoreColumns_vectorColumnForDoubleOrIntegerInput_scoresAndRefusesAsItsRowMapsWould() {
        FeatureColumns columns = FeatureColumns.builder().vectors("x", new float[][] {{1f, 2f, 3f}, {4.5f, -5f, 6f}})
                .build();
        try (Scorer scorer = load("matrix-double", MixedInputsModel.matrix(
                ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE, -1), ScorerOptions.DEFAULTS)) {
            List<Prediction> answers = scorer.scoreColumns(columns);
            assertThat(answers.get(0).values()).containsExactly(1.0, 2.0, 3.0);
            assertThat(answers.get(1).values()).containsExactly(4.5, -5.0, 6.0);
        }
        try (Scorer scorer = load("matrix-int64", MixedInputsModel.matrix(
                ai.onnx.proto.OnnxMl.TensorProto.DataType.INT64_VALUE, -1), ScorerOptions.DEFAULTS)) {
            Throwable fromRows = org.assertj.core.api.Assertions.catchThrowable(
                    () -> scorer.scoreBatch(columns.asRows()));
            assertThat(fromRows).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> scorer.scoreColumns(columns))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessage(fromRows.getMessage());
        }
    }

    @Test
    void scoreColumns_vectorColumnForAFloatOrDoubleMatrixWithNamedFeatures_isCopiedWholeAndNamesNaN() {
        float[][] vectors = {{1f, 2f, 3f}, {4.5f, -5f, 6f}, {0f, 0f, 0f}, {7f, 8f, 9f}, {-1f, 1e-7f, 2f}};
        for (int type : new int[] {ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE,
            ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE}) {
            for (long batch : new long[] {-1, 2}) {
                try (Scorer scorer = load("matrix-" + type + "-" + batch, MixedInputsModel.matrix(type, batch),
                        ScorerOptions.DEFAULTS)) {
                    List<Prediction> answers = scorer.scoreColumns(FeatureColumns.builder().vectors("x", vectors).build());
                    for (int r = 0; r < vectors.length; r++) {
                        assertThat(answers.get(r).values()).as("type %d, batch %d, row %d", type, batch, r)
                                .isEqualTo(asDoubles(vectors[r]));
                    }
                    float[][] withNaN = vectors.clone();
                    withNaN[4] = new float[] {0f, Float.NaN, 0f};
                    assertThatThrownBy(() -> scorer.scoreColumns(FeatureColumns.builder().vectors("x", withNaN).build()))
                            .isInstanceOf(InvalidArgumentException.class)
                            .hasMessageContaining("row 4: feature 'b' ('x'[1]) is NaN");
                }
            }
        }
    }

    @Test
    void scoreColumns_vectorsOfChangingWidthOnAnOpenWidthModel_growTheBufferAndStayRight() {
        try (Scorer scorer = load("vector-open", MixedInputsModel.vector(-1, -1), ScorerOptions.DEFAULTS)) {
            for (int width : new int[] {3, 300, 3, 300}) {
                float[][] vectors = vectors(20, width, width);
                FeatureColumns columns = FeatureColumns.builder().vectors("x", vectors).build();
                List<Prediction> fromColumns = scorer.scoreColumns(columns);
                List<Prediction> fromRows = scorer.scoreBatch(columns.asRows());
                for (int r = 0; r < vectors.length; r++) {
                    assertThat(fromColumns.get(r).values()).as("width %d, row %d", width, r)
                            .isEqualTo(asDoubles(vectors[r]))
                            .isEqualTo(fromRows.get(r).values());
                }
            }
        }
    }

    @Test
    void scoreColumns_vectorColumnNamedAsAFeature_isRefusedNamingItsType() {
        try (Scorer scorer = load("matrix-float", MixedInputsModel.matrix(
                ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1), ScorerOptions.DEFAULTS)) {
            FeatureColumns columns = FeatureColumns.builder().vectors("a", new float[][] {{1f, 2f}})
                    .numbers("b", new float[1]).numbers("c", new float[1]).build();
            assertThatThrownBy(() -> scorer.scoreColumns(columns))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessage("column 'a' holds float[] values; expected float, double, long or int values"
                            + " (model type FLOAT)");
        }
    }

    @Test
    void scoreColumns_aboveMaximum_isRefusedBeforeAnythingRuns() {
        ScorerOptions small = ScorerOptions.builder().maxBatchRows(2).build();
        try (Scorer scorer = mixed(small)) {
            assertThatThrownBy(() -> scorer.scoreColumns(Batch.random(3, 1).columns()))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("batch of 3 rows exceeds maxBatchRows 2");
            assertThat(scorer.scoreColumns(valid(0).build())).isEmpty();
        }
    }

    @Test
    void scoreColumns_afterClose_failsClearly() {
        Scorer scorer = mixed(ScorerOptions.DEFAULTS);
        scorer.close();
        assertThatThrownBy(() -> scorer.scoreColumns(Batch.random(2, 1).columns()))
                .hasMessageContaining("closed");
    }
}
