package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    @Test
    void tryAcquire_burstThenRefillAtTheRate() {
        TokenBuckets buckets = new TokenBuckets(RateLimit.of(10, 5), clock);

        for (int i = 0; i < 5; i++) {
            assertThat(buckets.tryAcquire("k")).as("call %d", i).isZero();
        }
        assertThat(buckets.tryAcquire("k")).isEqualTo(100_000_000L);
        clock.advance(Duration.ofMillis(99));
        assertThat(buckets.tryAcquire("k")).isEqualTo(1_000_000L);
        clock.advance(Duration.ofMillis(1));
        assertThat(buckets.tryAcquire("k")).isZero();
        assertThat(buckets.tryAcquire("k")).isPositive();
    }

    @Test
    void tryAcquire_longIdle_refillsOnlyUpToTheBurst() {
        TokenBuckets buckets = new TokenBuckets(RateLimit.of(10, 3), clock);
        buckets.tryAcquire("k");
        clock.advance(Duration.ofHours(1));

        for (int i = 0; i < 3; i++) {
            assertThat(buckets.tryAcquire("k")).isZero();
        }
        assertThat(buckets.tryAcquire("k")).isPositive();
    }

    @Test
    void tryAcquire_keysHaveTheirOwnBuckets() {
        TokenBuckets buckets = new TokenBuckets(RateLimit.of(1, 1), clock);

        assertThat(buckets.tryAcquire("a")).isZero();
        assertThat(buckets.tryAcquire("a")).isPositive();
        assertThat(buckets.tryAcquire("b")).isZero();
    }

    @Test
    void tryAcquire_clockSteppingBack_grantsNothingExtra() {
        TokenBuckets buckets = new TokenBuckets(RateLimit.of(1, 1), clock);
        assertThat(buckets.tryAcquire("k")).isZero();

        clock.advance(Duration.ofSeconds(-30));

        assertThat(buckets.tryAcquire("k")).isPositive();
    }

    @Test
    void rateLimit_outOfRange_listsEveryProblem() {
        assertThatThrownBy(() -> RateLimit.of(0, 0))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("permitsPerSecond 0.0")
                .hasMessageContaining("burst 0");
        assertThatThrownBy(() -> RateLimit.of(Double.NaN, 1)).isInstanceOf(InvalidArgumentException.class);
    }
}
