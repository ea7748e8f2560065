package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlops.Mlops;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.api.registry.ModelVersion;
import io.mlops.serving.ModelServer;
import io.mlops.stores.InMemoryArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real endpoint for one test: an in-memory {@link Mlops} with the two test models registered
 * (the classifier as {@code voting@champion}, the regressor as {@code regressor/1}), a
 * {@link ModelServer} over it, the HTTP server on an ephemeral port, and a real
 * {@link HttpClient}. Every response is checked for leaked stack traces.
 */
final class Endpoint implements AutoCloseable {
    static final String ALIAS_PATH = "/v1/models/voting@champion/predict";
    static final String REGRESSOR_PATH = "/v1/models/regressor/versions/1/predict";
    private static final ObjectMapper JSON = new ObjectMapper();

    final InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
    final Mlops mlops;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ModelServer models;
    final IssuedApiKey key = ApiKeys.generate("svc-test");
    final ModelVersion classifier;
    final ModelVersion regressor;
    final ScoringHttpServer http;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** A server answered this. */
    record Reply(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        /** The error code of an error body. */
        String code() {
            return json().at("/error/code").asText();
        }
    }

    private Endpoint(boolean withKey, Consumer<ScoringHttpServer.Builder> options, ModelServer modelsOverride) {
        mlops = Mlops.builder().metadata("mem:").artifacts(artifacts).roles(TestModels.ROLES).build();
        classifier = TestModels.registerClassifierChampion(mlops);
        regressor = TestModels.register(mlops, TestModels.REGRESSOR, TestModels.regressorBytes());
        models = modelsOverride != null ? modelsOverride
                : ModelServer.builder(mlops).pollInterval(Duration.ZERO).meterRegistry(registry)
                        .predictionLog(PredictionLogOptions.DEFAULTS).build();
        ScoringHttpServer.Builder builder = ScoringHttpServer.builder(models).port(0).meterRegistry(registry);
        if (withKey) {
            builder.apiKeys(ApiKeys.parse(key.line()));
        }
        options.accept(builder);
        http = builder.build().start();
    }

    /** Requiring the test key, with whatever {@code options} adds. */
    static Endpoint start(Consumer<ScoringHttpServer.Builder> options) {
        return new Endpoint(true, options, null);
    }

    static Endpoint start() {
        return start(b -> { });
    }

    /** Without keys: {@code options} must say how callers are authenticated. */
    static Endpoint startWithoutKeys(Consumer<ScoringHttpServer.Builder> options) {
        return new Endpoint(false, options, null);
    }

    /** Serving another model server (a stub, for faults that cannot be caused for real). */
    static Endpoint startWith(ModelServer stub) {
        return new Endpoint(true, b -> { }, stub);
    }

    URI uri(String path) {
        return http.uri().resolve(path);
    }

    /** POSTs JSON with the test key. */
    Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + key.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** POSTs JSON with the given headers only. */
    Reply post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Reply reply = new Reply(r.statusCode(), r.headers(), r.body());
            assertNoStackTrace(reply);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void assertNoStackTrace(Reply reply) {
        assertThat(reply.body()).as("response body").doesNotContain("Exception").doesNotContain("at io.")
                .doesNotContain("at org.").doesNotContain("at java.");
        if (reply.status() >= 400 && !reply.json().has("models")) { // a 503 from /ready lists models instead
            assertThat(reply.headers().firstValue("Content-Type")).as("error content type")
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            JsonNode error = reply.json().get("error");
            assertThat(error).as("error body " + reply.body()).isNotNull();
            assertThat(error.get("status").asInt()).isEqualTo(reply.status());
            assertThat(error.get("code").asText()).isNotBlank();
            assertThat(error.get("message").asText()).isNotBlank();
        }
    }

    @Override
    public void close() {
        http.close();
        models.close();
        mlops.close();
        registry.close();
    }
}
