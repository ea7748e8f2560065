package io.mlops.http;

import io.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * How many predict calls one API key may make: a token bucket that holds up to {@code burst}
 * calls and refills at {@code permitsPerSecond}. A call that finds the bucket empty is answered
 * {@code 429 Too Many Requests} with {@code Retry-After} set to the whole seconds until the next
 * call would be allowed (at least 1).
 *
 * <pre>{@code
 * RateLimit limit = RateLimit.of(50, 100);   // 50 calls/s sustained, bursts of up to 100
 * }</pre>
 *
 * @param permitsPerSecond sustained calls per second per key; 0.001 to 1e9
 * @param burst            calls a key may make at once after being idle; 1 to 1,000,000
 */
public record RateLimit(double permitsPerSecond, int burst) {

    public RateLimit {
        List<String> problems = new ArrayList<>();
        if (!(permitsPerSecond >= 0.001 && permitsPerSecond <= 1e9)) {
            problems.add("permitsPerSecond " + permitsPerSecond + " must be between 0.001 and 1e9");
        }
        if (burst < 1 || burst > 1_000_000) {
            problems.add("burst " + burst + " must be between 1 and 1000000");
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid rate limit: " + String.join("; ", problems));
        }
    }

    /** @see RateLimit */
    public static RateLimit of(double permitsPerSecond, int burst) {
        return new RateLimit(permitsPerSecond, burst);
    }

    @Override
    public String toString() {
        return permitsPerSecond + "/s burst " + burst + " per key";
    }
}
