package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.serving.NanPolicy;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every conformance model, scored through the public flavor API, reproduces the outputs its
 * authors committed, within their own tolerances.
 */
class OnnxConformanceTest {
    private final OnnxFlavor flavor = new OnnxFlavor();

    static List<String> cases() {
        return Conformance.cases();
    }

    @Test
    void allTenCasesArePresent() {
        assertThat(cases()).hasSize(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scoreTensors_reproducesEveryReferenceSet(String name) {
        byte[] bytes = Conformance.model(name);
        JsonNode reference = Conformance.reference(name);
        ModelSignature signature = flavor.inspect(bytes);
        assertThat(signature.inputs()).hasSize(reference.at("/model/inputs").size());
        assertThat(signature.outputs()).hasSize(reference.at("/model/outputs").size());

        try (Scorer scorer = flavor.load(Conformance.version(name, bytes, signature), bytes, ScorerOptions.DEFAULTS)) {
            for (JsonNode set : reference.get("reference_sets")) {
                String where = name + "/" + set.get("name").asText();
                Map<String, Object> inputs = new LinkedHashMap<>();
                set.get("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), Conformance.toJava(e.getValue())));

                Map<String, Object> actual = scorer.scoreTensors(inputs);

                assertThat(actual.keySet()).as(where).containsAll(iterable(set.get("outputs").fieldNames()));
                set.get("outputs").fields().forEachRemaining(e -> assertOutput(where + "/" + e.getKey(), e.getValue(),
                        actual.get(e.getKey()), set.get("tolerance")));
            }
        }
    }

    /**
     * Where the model takes rows, the same reference inputs as rows, scored as one batch and one row
     * at a time, give the same outputs, and the interpreted label, probabilities or values agree.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scoreBatch_agreesWithReferenceWhereModelTakesRows(String name) {
        byte[] bytes = Conformance.model(name);
        JsonNode reference = Conformance.reference(name);
        ModelSignature signature = flavor.inspect(bytes);
        // NaN appears in some reference inputs: tree ensembles treat it as missing.
        ScorerOptions options = ScorerOptions.builder().nanPolicy(NanPolicy.PASS_THROUGH).build();
        try (Scorer scorer = flavor.load(Conformance.version(name, bytes, signature), bytes, options)) {
            for (JsonNode set : reference.get("reference_sets")) {
                String where = name + "/" + set.get("name").asText();
                List<Map<String, Object>> rows = rows(set.get("inputs"));
                if (rows == null) {
                    assertThatThrownBy(() -> scorer.scoreBatch(List.of(Map.of())))
                            .as(where).isInstanceOf(InvalidArgumentException.class)
                            .hasMessageContaining("scoreTensors");
                    continue;
                }
                List<Prediction> batch = scorer.scoreBatch(rows);
                assertThat(batch).as(where).hasSize(rows.size());
                for (int r = 0; r < rows.size(); r++) {
                    assertRow(where + "/row " + r, set, r, batch.get(r));
                    assertRow(where + "/row " + r + " alone", set, r, scorer.score(rows.get(r)));
                }
            }
        }
    }

    /** Rows from reference inputs, or null when the inputs are not row-shaped. */
    private static List<Map<String, Object>> rows(JsonNode inputs) {
        List<String> names = new ArrayList<>();
        inputs.fieldNames().forEachRemaining(names::add);
        if (names.size() == 1) {
            JsonNode t = inputs.get(names.get(0));
            int[] shape = Conformance.shape(t);
            if (shape.length == 2 && shape[1] > 1) {
                Object matrix = Conformance.toJava(t);
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int r = 0; r < shape[0]; r++) {
                    rows.add(Map.of(names.get(0), java.lang.reflect.Array.get(matrix, r)));
                }
                return rows;
            }
        }
        int n = -1;
        for (String input : names) {
            int[] shape = Conformance.shape(inputs.get(input));
            boolean perFeature = shape.length == 1 || shape.length == 2 && shape[1] == 1;
            if (!perFeature || n >= 0 && shape[0] != n) {
                return null;
            }
            n = shape[0];
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (String input : names) {
                JsonNode t = inputs.get(input);
                row.put(input, Conformance.element(t.get("dtype").asText(), t.get("data").get(r)));
            }
            rows.add(row);
        }
        return rows;
    }

    private static void assertRow(String where, JsonNode set, int r, Prediction p) {
        JsonNode tolerance = set.get("tolerance");
        JsonNode label = null;
        List<String> outputNames = new ArrayList<>();
        set.get("outputs").fieldNames().forEachRemaining(outputNames::add);
        for (String out : outputNames) {
            JsonNode expected = set.get("outputs").get(out);
            Object actual = p.outputs().get(out);
            String at = where + "/" + out;
            if (expected.get("kind").asText().equals("seq_map")) {
                assertMap(at, expected, expected.get("data").get(r), (Map<?, ?>) actual, tolerance);
                continue;
            }
            int[] shape = Conformance.shape(expected);
            int width = 1;
            for (int d = 1; d < shape.length; d++) {
                width *= shape[d];
            }
            List<Object> values = Conformance.flatten(actual);
            assertThat(values).as(at).hasSize(width);
            String dtype = expected.get("dtype").asText();
            for (int i = 0; i < width; i++) {
                Conformance.assertElement(at + "[" + i + "]", dtype, expected.get("data").get(r * width + i),
                        values.get(i), tolerance);
            }
            boolean perRow = shape.length == 1 || shape.length == 2 && shape[1] == 1;
            if (label == null && perRow && (dtype.equals("string") || dtype.equals("int64"))) {
                label = expected.get("data").get(r);
            }
        }

        if (label != null) {
            assertThat(p.kind()).as(where).isEqualTo(PredictionKind.CLASSIFICATION);
            assertThat(p.label()).as(where).contains(label.asText());
            for (String out : outputNames) {
                JsonNode expected = set.get("outputs").get(out);
                if (expected.get("kind").asText().equals("seq_map")) {
                    assertMap(where + "/probabilities", expected, expected.get("data").get(r), p.probabilities(),
                            tolerance);
                }
            }
        } else if (outputNames.size() == 1 && set.get("outputs").get(outputNames.get(0)).get("dtype").asText()
                .startsWith("float")) {
            JsonNode expected = set.get("outputs").get(outputNames.get(0));
            int[] shape = Conformance.shape(expected);
            int width = shape.length == 1 ? 1 : shape[1];
            assertThat(p.kind()).as(where).isEqualTo(PredictionKind.REGRESSION);
            assertThat(p.values()).as(where).hasSize(width);
            for (int i = 0; i < width; i++) {
                Conformance.assertElement(where + "/values[" + i + "]", expected.get("dtype").asText(),
                        expected.get("data").get(r * width + i), p.values().get(i), tolerance);
            }
        } else {
            assertThat(p.kind()).as(where).isEqualTo(PredictionKind.RAW);
        }
    }

    private static void assertOutput(String where, JsonNode expected, Object actual, JsonNode tolerance) {
        if (expected.get("kind").asText().equals("seq_map")) {
            assertThat(actual).as(where).isInstanceOf(List.class);
            List<?> maps = (List<?>) actual;
            assertThat(maps).as(where).hasSize(expected.get("data").size());
            for (int i = 0; i < maps.size(); i++) {
                assertMap(where + "[" + i + "]", expected, expected.get("data").get(i), (Map<?, ?>) maps.get(i),
                        tolerance);
            }
            return;
        }
        int[] shape = Conformance.shape(expected);
        List<Integer> expectedDims = new ArrayList<>();
        for (int d : shape) {
            expectedDims.add(d);
        }
        assertThat(Conformance.dims(actual)).as(where + " shape").isEqualTo(expectedDims);
        List<Object> values = Conformance.flatten(actual);
        assertThat(values).as(where).hasSize(expected.get("data").size());
        String dtype = expected.get("dtype").asText();
        for (int i = 0; i < values.size(); i++) {
            Conformance.assertElement(where + "[" + i + "]", dtype, expected.get("data").get(i), values.get(i),
                    tolerance);
        }
    }

    private static void assertMap(String where, JsonNode spec, JsonNode expected, Map<?, ?> actual,
            JsonNode tolerance) {
        Map<String, Object> byText = new LinkedHashMap<>();
        actual.forEach((k, v) -> byText.put(String.valueOf(k), v));
        List<String> keys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(keys::add);
        assertThat(byText.keySet()).as(where + " keys").containsExactlyInAnyOrderElementsOf(keys);
        if (spec.get("key_type").asText().equals("int64")) {
            assertThat(actual.keySet()).as(where + " key type").allMatch(k -> k instanceof Long || k instanceof String);
        }
        for (String k : keys) {
            Conformance.assertElement(where + "[" + k + "]", spec.get("value_type").asText(), expected.get(k),
                    byText.get(k), tolerance);
        }
    }

    private static <T> Iterable<T> iterable(Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
