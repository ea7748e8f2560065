package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Predict routes need a valid API key; health and readiness never do; metrics only if configured. */
class AuthenticationTest {
    private static final String ROWS = "{\"rows\": [{\"x0\": 1, \"x1\": 2}]}";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Test
    void predict_withoutKey_is401WithWwwAuthenticate() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, JSON);

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("missing_api_key");
            assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
        }
    }

    @Test
    void predict_withGarbageKey_is401() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                    "Authorization", "Bearer not-a-key"));

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("invalid_api_key");
            assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).contains("invalid_token"));
        }
    }

    @Test
    void predict_withRightKeyIdButWrongSecret_is401() {
        try (Endpoint e = Endpoint.start()) {
            IssuedApiKey sameIdOtherSecret = ApiKeys.generate(e.key.keyId());
            assertThat(sameIdOtherSecret.keyId()).isEqualTo(e.key.keyId());

            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                    "Authorization", "Bearer " + sameIdOtherSecret.key()));

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("invalid_api_key");
        }
    }

    @Test
    void predict_withSecretButNoKeyId_is401() {
        try (Endpoint e = Endpoint.start()) {
            String secretOnly = e.key.key().substring(e.key.key().indexOf('.') + 1);

            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                    "X-API-Key", secretOnly));

            assertThat(reply.status()).isEqualTo(401);
        }
    }

    @Test
    void predict_withBasicAuthorization_is401() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                    "Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            ("svc-test:" + e.key.key()).getBytes(java.nio.charset.StandardCharsets.UTF_8))));

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("missing_api_key");
        }
    }

    @Test
    void predict_withXApiKeyHeader_is200() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                    "X-API-Key", e.key.key()));

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        }
    }

    @Test
    void predict_withLowercaseBearerScheme_is200() {
        try (Endpoint e = Endpoint.start()) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                    "Authorization", "bearer " + e.key.key()));

            assertThat(reply.status()).isEqualTo(200);
        }
    }

    @Test
    void predict_withAnyOfSeveralKeys_is200() {
        IssuedApiKey other = ApiKeys.generate("svc-other");
        try (Endpoint e = Endpoint.startWithoutKeys(b -> b.apiKeys(ApiKeys.parse(other.line() + "\n"
                + ApiKeys.generate("svc-third").line())))) {
            Endpoint.Reply reply = e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                    "Authorization", "Bearer " + other.key()));

            assertThat(reply.status()).isEqualTo(200);
        }
    }

    @Test
    void predict_unknownModelWithoutKey_is401NotRevealingModels() {
        try (Endpoint e = Endpoint.start()) {
            assertThat(e.post("/v1/models/secret-model@champion/predict", ROWS, JSON).status()).isEqualTo(401);
        }
    }

    @Test
    void healthAndReady_withoutKey_areOpen() {
        try (Endpoint e = Endpoint.start()) {
            assertThat(e.get("/health").status()).isEqualTo(200);
            assertThat(e.get("/ready").status()).isIn(200, 503);
            assertThat(e.get("/metrics").status()).isEqualTo(200);
        }
    }

    @Test
    void metrics_whenKeyRequired_is401WithoutKeyAnd200WithIt() {
        try (Endpoint e = Endpoint.start(b -> b.metricsRequireApiKey(true))) {
            assertThat(e.get("/metrics").status()).isEqualTo(401);
            Endpoint.Reply keyed = e.send(java.net.http.HttpRequest.newBuilder(e.uri("/metrics"))
                    .header("Authorization", "Bearer " + e.key.key()).GET());
            assertThat(keyed.status()).isEqualTo(200);
            assertThat(e.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void predict_allowUnauthenticated_is200WithoutKey() {
        try (Endpoint e = Endpoint.startWithoutKeys(ScoringHttpServer.Builder::allowUnauthenticated)) {
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS, JSON).status()).isEqualTo(200);
        }
    }
}
