package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Predictions over HTTP are exactly what the same model answers in-process. */
class PredictTest {

    /** The reference rows of the voting classifier's conformance case, and a few more. */
    private static final List<Map<String, Object>> ROWS = List.of(
            Map.of("x0", 0L, "x1", 1L),
            Map.of("x0", 1L, "x1", 1L),
            Map.of("x0", 2L, "x1", 0L),
            Map.of("x0", -3.5, "x1", 0.25),
            Map.of("x0", 10.0, "x1", -7.125));

    private static String body(List<Map<String, Object>> rows) {
        StringBuilder json = new StringBuilder("{\"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            json.append(i == 0 ? "" : ", ").append("{\"x0\": ").append(row.get("x0"))
                    .append(", \"x1\": ").append(row.get("x1")).append("}");
        }
        return json.append("]}").toString();
    }

    @Test
    void predict_byAlias_answersAsScoringInProcess() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, body(ROWS));

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode json = reply.json();
            assertThat(json.get("model").asText()).isEqualTo("voting");
            assertThat(json.get("version").asInt()).isEqualTo(e.classifier.version());
            try (Scorer inProcess = e.mlops.scorer("models:/voting@champion")) {
                assertSameAnswers(json.get("predictions"), inProcess.scoreBatch(ROWS));
            }
        }
    }

    @Test
    void predict_oneRow_answersAsScoringInProcess() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, "{\"rows\":[{\"x0\":2,\"x1\":0}]}");

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            try (Scorer inProcess = e.mlops.scorer("models:/voting@champion")) {
                assertSameAnswers(reply.json().get("predictions"), List.of(inProcess.score(ROWS.get(2))));
            }
            assertThat(reply.json().at("/predictions/0/label").asText()).isEqualTo("A");
        }
    }

    @Test
    void predict_byVersion_answersAsScoringInProcess() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post("/v1/models/voting/versions/" + e.classifier.version() + "/predict",
                    body(ROWS));

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.json().get("version").asInt()).isEqualTo(e.classifier.version());
            try (Scorer inProcess = e.mlops.scorer(e.classifier.uri().toString())) {
                assertSameAnswers(reply.json().get("predictions"), inProcess.scoreBatch(ROWS));
            }
        }
    }

    @Test
    void predict_regressionWithArrayFeature_answersValuesAsScoringInProcess() {
        try (Endpoint e = Endpoint.start()) {
            String body = "{\"rows\": [{\"X\": [0, 1, 1.7999999523162842, 3]}, {\"X\": [0.0, 1.0, 1.79999995232, 3.0]},"
                    + " {\"X\": [5, 2.5, -1, 0.125]}]}";

            Endpoint.Reply reply = e.post(Endpoint.REGRESSOR_PATH, body);

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.json().get("model").asText()).isEqualTo("regressor");
            assertThat(reply.json().get("version").asInt()).isEqualTo(1);
            List<Map<String, Object>> rows = List.of(
                    Map.of("X", new double[] {0, 1, 1.7999999523162842, 3}),
                    Map.of("X", new double[] {0, 1, 1.79999995232, 3}),
                    Map.of("X", new double[] {5, 2.5, -1, 0.125}));
            try (Scorer inProcess = e.mlops.scorer(e.regressor.uri().toString())) {
                List<Prediction> expected = inProcess.scoreBatch(rows);
                assertSameAnswers(reply.json().get("predictions"), expected);
                // The conformance reference: float64 thresholds tell the first two rows apart from the third.
                assertThat(expected.get(0).values()).containsExactly(0.7284910678863525);
                assertThat(expected.get(1).values()).containsExactly(0.9134243130683899);
            }
        }
    }

    @Test
    void predict_afterAliasMoves_answersWithTheNewVersion() {
        try (Endpoint e = Endpoint.start()) {
            assertThat(e.post(Endpoint.ALIAS_PATH, body(ROWS)).json().get("version").asInt())
                    .isEqualTo(e.classifier.version());
            ModelVersion next = TestModels.register(e.mlops, TestModels.CLASSIFIER,
                    TestModels.withMetadata(TestModels.classifierBytes(), Map.of("release", "2")));
            TestModels.promote(e.mlops, next);

            e.models.refresh();
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, body(ROWS));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("version").asInt()).isEqualTo(next.version());
        }
    }

    /** Labels, probabilities (same classes, same order) and values equal to the last bit. */
    static void assertSameAnswers(JsonNode predictions, List<Prediction> expected) {
        assertThat(predictions.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Prediction p = expected.get(i);
            JsonNode actual = predictions.get(i);
            String where = "prediction " + i + ": " + actual;
            if (p.label().isPresent()) {
                assertThat(actual.get("label").asText()).as(where).isEqualTo(p.label().get());
            } else {
                assertThat(actual.has("label")).as(where).isFalse();
            }
            List<String> classes = new ArrayList<>();
            JsonNode probabilities = actual.path("probabilities");
            for (Iterator<String> names = probabilities.fieldNames(); names.hasNext(); ) {
                classes.add(names.next());
            }
            assertThat(classes).as(where).containsExactlyElementsOf(p.probabilities().keySet());
            p.probabilities().forEach((c, v) -> assertThat(probabilities.get(c).asDouble()).as(where + " P(" + c + ")")
                    .isEqualTo(v));
            List<Double> values = new ArrayList<>();
            actual.path("values").forEach(v -> values.add(v.asDouble()));
            assertThat(values).as(where).containsExactlyElementsOf(p.values());
        }
    }

    @Test
    void predict_withRequestIds_logsEachAnswerUnderItsId_soOutcomesCanBeRecordedLater() throws Exception {
        try (Endpoint e = Endpoint.start()) {
            String body = body(ROWS.subList(0, 2)).replace("{\"rows\"", "{\"request_ids\": [\"loan-1\", \"loan-2\"], \"rows\"");
            Endpoint.Reply batch = e.post(Endpoint.ALIAS_PATH, body);
            Endpoint.Reply single = e.post(Endpoint.ALIAS_PATH, "{\"rows\": [{\"x0\": 2, \"x1\": 0}], \"request_ids\": [\"loan-3\"]}");
            Endpoint.Reply badId = e.post(Endpoint.ALIAS_PATH, "{\"rows\": [{\"x0\": 2, \"x1\": 0}], \"request_ids\": [\"\"]}");

            assertThat(batch.status()).isEqualTo(200);
            assertThat(single.status()).isEqualTo(200);
            assertThat(badId.status()).isEqualTo(422);
            assertThat(badId.body()).contains("request id");
            assertThat(((io.mlops.core.internal.serving.DefaultModelServer) e.models).predictionLog().flush(10_000)).isTrue();
            e.mlops.as(io.mlops.api.Principal.of("svc-outcomes")).monitoring().recordLabel("voting", "loan-2", "B");
            List<io.mlops.api.monitoring.LoggedPrediction> logged = e.mlops.monitoring().predictions("voting",
                    e.classifier.version(), java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(1), 100);
            assertThat(logged).extracting(io.mlops.api.monitoring.LoggedPrediction::requestId)
                    .containsExactlyInAnyOrder("loan-1", "loan-2", "loan-3");
            assertThat(logged).filteredOn(p -> p.requestId().equals("loan-2")).singleElement()
                    .satisfies(p -> assertThat(p.actualLabel()).contains("B"));
        }
    }
}
