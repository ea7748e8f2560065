package io.mlops.http;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per key id.
 *
 * <p>Hand-written because what the chosen libraries offer does not fit: Jetty's {@code QoSHandler}
 * limits concurrency, not rate; its {@code DoSHandler} (12.1) runs before authentication, so it
 * would key buckets by whatever an anonymous caller puts in a header, it reads the system nano
 * clock (tests would have to sleep), and it rejects without telling the client when to retry.
 * The algorithm is twenty lines; a rate-limiting library (Bucket4j, Resilience4j) would add a
 * dependency to every application that embeds the SDK for that. Time comes from a {@link Clock}
 * so tests advance it instead of sleeping.
 *
 * <p>Thread-safe. Buckets exist only for authenticated key ids, so their number is bounded by the
 * configured keys.
 */
final class TokenBuckets {
    private final RateLimit limit;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    TokenBuckets(RateLimit limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /**
     * Takes one token from the key's bucket.
     *
     * @return 0 if the call may go ahead, else the nanoseconds until a token will be there
     */
    long tryAcquire(String keyId) {
        long now = nanos(clock.instant());
        return buckets.computeIfAbsent(keyId, k -> new Bucket(now)).tryAcquire(now);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /**
     * The bucket kept as the time it will next be full ("theoretical arrival time", GCRA): the
     * same answers as counting tokens, in whole nanoseconds, so refills are exact.
     */
    private final class Bucket {
        /** Nanoseconds one token takes to refill. */
        private final long interval = Math.max(1, Math.round(1e9 / limit.permitsPerSecond()));
        private final long capacity = interval * limit.burst();
        /** When the bucket will be full again if nothing else is taken; at or before now means full. */
        private long fullAt;

        Bucket(long now) {
            this.fullAt = now;
        }

        synchronized long tryAcquire(long now) {
            long next = Math.max(fullAt, now) + interval;
            long over = next - now - capacity;
            if (over > 0) {
                return over;
            }
            fullAt = next;
            return 0;
        }
    }
}
