package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.api.MlopsException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Scorer;
import io.mlops.serving.ModelServer;
import io.mlops.stores.InMemoryArtifactStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Health, readiness, metrics, load, faults and the server's life cycle. */
class OperationsTest {
    private static final String ROWS = "{\"rows\": [{\"x0\": 1, \"x1\": 2}]}";

    @Test
    void health_whileRunning_isUp() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.get("/health");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("status").asText()).isEqualTo("UP");
            assertThat(reply.headers().firstValue("Server")).as("no server version advertised").isEmpty();
            assertThat(reply.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void ready_beforeAnyModelIsServed_is503() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.get("/ready");

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.json().get("status").asText()).isEqualTo("DOWN");
            assertThat(reply.json().get("models")).isEmpty();
        }
    }

    @Test
    void ready_afterAModelIsServed_is200ListingIt() {
        try (Endpoint e = Endpoint.start()) {
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(200);

            Endpoint.Reply reply = e.get("/ready");

            assertThat(reply.status()).isEqualTo(200);
            JsonNode model = reply.json().at("/models/0");
            assertThat(model.get("uri").asText()).isEqualTo("models:/voting@champion");
            assertThat(model.get("state").asText()).isEqualTo("SERVING");
            assertThat(model.get("version").asInt()).isEqualTo(e.classifier.version());
            assertThat(model.has("problem")).isFalse();
        }
    }

    @Test
    void ready_withPreloadedModel_is200FromTheStart() {
        try (Endpoint e = Endpoint.start(b -> b.preload("models:/voting@champion"))) {
            assertThat(e.get("/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void start_preloadingAnUnknownModel_failsBeforeBinding() {
        try (Endpoint e = Endpoint.start()) {
            ScoringHttpServer other = ScoringHttpServer.builder(e.models).port(0).allowUnauthenticated()
                    .preload("models:/nothing@champion").build();

            assertThatThrownBy(other::start).isInstanceOf(io.mlops.api.NotFoundException.class);
            other.close();
        }
    }

    @Test
    void predict_aModelTheRuntimeCannotLoad_is503NotModelNotFound() {
        try (Endpoint e = Endpoint.start()) {
            ModelVersion working = e.mlops.registry().getVersion(TestModels.CLASSIFIER, e.classifier.version());
            String key = e.mlops.artifacts().put("models/garbage/model.onnx",
                    new java.io.ByteArrayInputStream("not an onnx graph".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .key();
            ModelVersion garbage = e.mlops.registry().createVersion(io.mlops.api.registry.NewModelVersion
                    .builder("garbage", key).flavor("onnx").signature(working.signature()).build());

            Endpoint.Reply reply = e.post("/v1/models/garbage/versions/" + garbage.version() + "/predict", ROWS);

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.code()).isEqualTo("model_unavailable");
            assertThat(reply.json().at("/error/message").asText()).contains("models:/garbage/1");
        }
    }

    @Test
    void ready_whenTheAliasMovesToATamperedVersion_is503WithTheProblemWhilePredictKeepsServing() {
        try (Endpoint e = Endpoint.start()) {
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(200);
            ModelVersion tampered = TestModels.register(e.mlops, TestModels.CLASSIFIER,
                    TestModels.withMetadata(TestModels.classifierBytes(), Map.of("release", "2")));
            InMemoryArtifactStore.tamper(e.artifacts, tampered.artifactKey(), TestModels.regressorBytes());
            TestModels.promote(e.mlops, tampered);
            e.models.refresh();

            Endpoint.Reply ready = e.get("/ready");

            assertThat(ready.status()).isEqualTo(503);
            JsonNode model = ready.json().at("/models/0");
            assertThat(model.get("state").asText()).isEqualTo("DEGRADED");
            assertThat(model.get("version").asInt()).isEqualTo(e.classifier.version());
            assertThat(model.get("problem").asText()).contains("version " + tampered.version());
            Endpoint.Reply predict = e.post(Endpoint.ALIAS_PATH, ROWS);
            assertThat(predict.status()).isEqualTo(200);
            assertThat(predict.json().get("version").asInt()).isEqualTo(e.classifier.version());
        }
    }

    @Test
    void predict_modelWhoseArtifactWasTampered_is503WithAnErrorId() {
        try (Endpoint e = Endpoint.start()) {
            ModelVersion broken = TestModels.register(e.mlops, "broken", TestModels.classifierBytes());
            InMemoryArtifactStore.tamper(e.artifacts, broken.artifactKey(), TestModels.regressorBytes());

            Endpoint.Reply reply = e.post("/v1/models/broken/versions/1/predict", ROWS);

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.code()).isEqualTo("model_unavailable");
            assertThat(reply.json().at("/error/message").asText()).contains("models:/broken/1")
                    .contains("failed verification").doesNotContain(broken.sha256());
            assertThat(reply.json().at("/error/id").asText()).isNotBlank();
        }
    }

    @Test
    void predict_unexpectedFailure_is500WithAnErrorIdAndNoDetail() {
        ModelServer failing = StandInModelServer.failingWith(new IllegalStateException("internal detail at io.mlops.Secret"));
        try (Endpoint e = Endpoint.startWith(failing)) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS);

            assertThat(reply.status()).isEqualTo(500);
            assertThat(reply.code()).isEqualTo("internal_error");
            assertThat(reply.body()).doesNotContain("internal detail").doesNotContain("IllegalState");
            assertThat(reply.json().at("/error/id").asText()).matches("[0-9a-f-]{36}");
        }
    }

    @Test
    void predict_modelServerClosed_is503() {
        try (Endpoint e = Endpoint.start()) {
            e.models.close();

            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS);

            assertThat(reply.status()).isEqualTo(503);
            assertThat(e.get("/ready").status()).isEqualTo(503);
        }
    }

    @Test
    void metrics_afterRequests_countsThemByRouteAndStatusBesideScoringMetrics() {
        try (Endpoint e = Endpoint.start()) {
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(200);
            assertThat(e.post(Endpoint.ALIAS_PATH, "{").status()).isEqualTo(400);

            Endpoint.Reply reply = e.get("/metrics");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain"));
            List<String> lines = reply.body().lines().toList();
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("mlops_http_requests_seconds_count{")
                    .contains("route=\"/v1/models/{name}@{alias}/predict\"").contains("status=\"200\"")
                    .contains("method=\"POST\"").endsWith(" 1"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("mlops_http_requests_seconds_count{")
                    .contains("status=\"400\"").endsWith(" 1"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("mlops_http_threads_busy"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("mlops_scoring_rows"));
        }
    }

    @Test
    void metrics_unknownPaths_shareOneRouteTag() {
        try (Endpoint e = Endpoint.start()) {
            for (int i = 0; i < 5; i++) {
                assertThat(e.get("/probe-" + i).status()).isEqualTo(404);
            }

            String metrics = e.get("/metrics").body();

            assertThat(metrics).doesNotContain("probe-").contains("route=\"unmatched\"");
        }
    }

    @Test
    void predict_concurrentClients_allSucceedWithTheirOwnAnswers() throws Exception {
        try (Endpoint e = Endpoint.start()) {
            String expectedA;
            String expectedB;
            try (Scorer scorer = e.mlops.scorer("models:/voting@champion")) {
                expectedA = scorer.score(Map.of("x0", 0L, "x1", 1L)).label().orElseThrow();
                expectedB = scorer.score(Map.of("x0", 40L, "x1", -30L)).label().orElseThrow();
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        List<String> problems = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            boolean a = (thread + i) % 2 == 0;
                            String body = a ? "{\"rows\": [{\"x0\": 0, \"x1\": 1}]}"
                                    : "{\"rows\": [{\"x0\": 40, \"x1\": -30}, {\"x0\": 40, \"x1\": -30}]}";
                            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, body);
                            String label = reply.status() == 200 ? reply.json().at("/predictions/0/label").asText() : "";
                            if (reply.status() != 200 || !label.equals(a ? expectedA : expectedB)) {
                                problems.add("thread " + thread + " call " + i + ": " + reply.status() + " " + reply.body());
                            }
                        }
                        return problems;
                    }));
                }
                for (Future<List<String>> result : results) {
                    assertThat(result.get()).isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(e.get("/metrics").body()).contains("status=\"200\"");
        }
    }

    @Test
    void start_onABusyPort_failsNamingIt() throws IOException {
        try (Endpoint e = Endpoint.start(); ServerSocket busy = new ServerSocket(0)) {
            ScoringHttpServer other = ScoringHttpServer.builder(e.models).port(busy.getLocalPort())
                    .allowUnauthenticated().build();

            assertThatThrownBy(other::start).isInstanceOf(MlopsException.class)
                    .hasMessageContaining(Integer.toString(busy.getLocalPort()));
            assertThatThrownBy(other::start).isInstanceOf(IllegalStateException.class);
            other.close();
        }
    }

    @Test
    void close_stopsServingAndIsIdempotent() {
        Endpoint e = Endpoint.start();
        java.net.URI health = e.uri("/health");
        e.close();
        e.http.close();

        assertThatThrownBy(() -> e.client.send(HttpRequest.newBuilder(health).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThatThrownBy(e.http::port).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(e.http::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_withARequestInFlight_letsItFinishFirst() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Endpoint e = Endpoint.startWith(new StandInModelServer(uri -> slowScorer(entered, release), true))) {
            CompletableFuture<java.net.http.HttpResponse<String>> inFlight = e.client.sendAsync(
                    HttpRequest.newBuilder(e.uri(Endpoint.ALIAS_PATH))
                            .header("Authorization", "Bearer " + e.key.key())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(ROWS)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(e.http::close);
            Thread.sleep(1000); // close() has begun, past Jetty's shutdown idle timeout; the request still waits on the model
            assertThat(closing).isNotDone();
            release.countDown();

            java.net.http.HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"label\":\"slow\"");
            closing.get(10, TimeUnit.SECONDS);
        }
    }

    /** A scorer that waits until released: a request that is in flight on demand. */
    private static Scorer slowScorer(CountDownLatch entered, CountDownLatch release) {
        return new Scorer() {
            @Override
            public ModelVersion version() {
                return new ModelVersion("slow", 1, null, "slow/model.onnx", "0".repeat(64), 1, "onnx", null, null,
                        null, null, "test", 0L);
            }

            @Override
            public List<io.mlops.api.serving.FeatureSpec> features() {
                return List.of();
            }

            @Override
            public Prediction score(Map<String, ?> row) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return new Prediction(PredictionKind.CLASSIFICATION, Optional.of("slow"), Map.of(), List.of(), Map.of());
            }

            @Override
            public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
                return rows.stream().map(this::score).toList();
            }

            @Override
            public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }
}
