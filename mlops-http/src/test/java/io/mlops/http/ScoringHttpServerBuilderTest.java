package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.InvalidArgumentException;
import io.mlops.serving.ModelServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration is checked as a whole when built, and contradictions fail as soon as they are made. */
class ScoringHttpServerBuilderTest {
    private static final ModelServer NO_MODELS =
            StandInModelServer.failingWith(new UnsupportedOperationException("no models in this test"));
    private static final ApiKeys KEYS = ApiKeys.parse(ApiKeys.generate("svc").line());

    @Test
    void build_withoutKeys_failsSayingHowToChoose() {
        assertThatThrownBy(() -> ScoringHttpServer.builder(NO_MODELS).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("apiKeys(...)")
                .hasMessageContaining("allowUnauthenticated()");
    }

    @Test
    void build_invalidOptions_listsEveryProblem() {
        ScoringHttpServer.Builder builder = ScoringHttpServer.builder(NO_MODELS).apiKeys(KEYS).port(70_000)
                .maxBodyBytes(0).maxThreads(2).idleTimeout(Duration.ZERO).stopTimeout(Duration.ofSeconds(-1))
                .preload("models:/x@champion", "not-a-uri");

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("port 70000")
                .hasMessageContaining("maxBodyBytes 0")
                .hasMessageContaining("maxThreads 2")
                .hasMessageContaining("idleTimeout PT0S")
                .hasMessageContaining("stopTimeout PT-1S")
                .hasMessageContaining("not-a-uri");
    }

    @Test
    void port_setTwice_failsNamingBothValues() {
        ScoringHttpServer.Builder builder = ScoringHttpServer.builder(NO_MODELS).port(8080);

        assertThatThrownBy(() -> builder.port(9090))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("8080")
                .hasMessageContaining("9090");
    }

    @Test
    void apiKeys_thenAllowUnauthenticated_failsNamingBoth() {
        assertThatThrownBy(() -> ScoringHttpServer.builder(NO_MODELS).apiKeys(KEYS).allowUnauthenticated())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apiKeys")
                .hasMessageContaining("svc")
                .hasMessageContaining("allowUnauthenticated");
        assertThatThrownBy(() -> ScoringHttpServer.builder(NO_MODELS).allowUnauthenticated().apiKeys(KEYS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowUnauthenticated");
    }

    @Test
    void metricsRequireApiKey_withoutKeys_failsNamingBoth() {
        assertThatThrownBy(() -> ScoringHttpServer.builder(NO_MODELS).allowUnauthenticated().metricsRequireApiKey(true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("metricsRequireApiKey")
                .hasMessageContaining("allowUnauthenticated");
        assertThatThrownBy(() -> ScoringHttpServer.builder(NO_MODELS).metricsRequireApiKey(true).allowUnauthenticated())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void port_beforeStart_isIllegalState() {
        ScoringHttpServer server = ScoringHttpServer.builder(NO_MODELS).apiKeys(KEYS).port(0).build();

        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("new");
        assertThat(server.toString()).contains("API keys [svc]").contains("max body: 1048576 bytes");
        server.close();
    }

    @Test
    void start_smallestThreadPool_serves() {
        try (ScoringHttpServer server = ScoringHttpServer.builder(NO_MODELS).allowUnauthenticated().port(0)
                .maxThreads(8).build().start()) {
            assertThat(server.port()).isPositive();
            assertThat(server.uri().toString()).startsWith("http://localhost:");
        }
    }
}
