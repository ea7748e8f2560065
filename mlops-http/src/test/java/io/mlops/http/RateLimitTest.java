package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-key token buckets, driven by a clock the test moves: nothing sleeps. */
class RateLimitTest {
    private static final String ROWS = "{\"rows\": [{\"x0\": 1, \"x1\": 2}]}";

    @Test
    void predict_afterTheBurst_is429WithRetryAfterUntilTheBucketRefills() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Endpoint e = Endpoint.start(b -> b.rateLimit(RateLimit.of(0.5, 3)).clock(clock))) {
            for (int i = 0; i < 3; i++) {
                assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).as("call %d of the burst", i).isEqualTo(200);
            }

            Endpoint.Reply limited = e.post(Endpoint.ALIAS_PATH, ROWS);

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.code()).isEqualTo("rate_limited");
            assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(limited.json().at("/error/message").asText()).contains("svc-test").contains("retry after 2 s");

            clock.advance(Duration.ofMillis(1999));
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(429);
            clock.advance(Duration.ofMillis(1));
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(200);
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(429);
        }
    }

    @Test
    void predict_overTheLimit_retryAfterIsRoundedUpToWholeSeconds() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Endpoint e = Endpoint.start(b -> b.rateLimit(RateLimit.of(3, 1)).clock(clock))) {
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(200);

            Endpoint.Reply limited = e.post(Endpoint.ALIAS_PATH, ROWS);

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
            clock.advance(Duration.ofMillis(334));
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(200);
        }
    }

    @Test
    void predict_oneKeyOverItsLimit_leavesOtherKeysAlone() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        IssuedApiKey first = ApiKeys.generate("first");
        IssuedApiKey second = ApiKeys.generate("second");
        try (Endpoint e = Endpoint.startWithoutKeys(b -> b.apiKeys(ApiKeys.parse(first.line() + "\n" + second.line()))
                .rateLimit(RateLimit.of(1, 1)).clock(clock))) {
            assertThat(call(e, first).status()).isEqualTo(200);
            assertThat(call(e, first).status()).isEqualTo(429);

            assertThat(call(e, second).status()).isEqualTo(200);
        }
    }

    @Test
    void predict_wrongKey_isRefusedBeforeTheRateLimitCounts() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Endpoint e = Endpoint.start(b -> b.rateLimit(RateLimit.of(1, 1)).clock(clock))) {
            for (int i = 0; i < 5; i++) {
                assertThat(e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json")).status())
                        .isEqualTo(401);
            }
            assertThat(e.post(Endpoint.ALIAS_PATH, ROWS).status()).isEqualTo(200);
        }
    }

    private static Endpoint.Reply call(Endpoint e, IssuedApiKey key) {
        return e.post(Endpoint.ALIAS_PATH, ROWS, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + key.key()));
    }
}
