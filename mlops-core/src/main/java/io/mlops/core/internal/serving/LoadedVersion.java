package io.mlops.core.internal.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Scorer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model version inside a {@link DefaultModelServer}, counted by the calls using it so
 * that a swapped-out version is closed only after its last call returns.
 *
 * <p>The count starts at one, the server's own reference. {@link #tryAcquire()} never revives a
 * version whose count reached zero: by then the server has already published its successor.
 */
final class LoadedVersion {
    private final Scorer scorer;
    private final ModelVersion version;
    private final AtomicInteger references = new AtomicInteger(1);
    private final Timer latency;
    private final Counter rows;
    private final Counter invalidArguments;
    private final Counter failures;

    LoadedVersion(Scorer scorer, MeterRegistry meters) {
        this.scorer = scorer;
        this.version = scorer.version();
        if (meters == null) {
            latency = null;
            rows = null;
            invalidArguments = null;
            failures = null;
        } else {
            String model = version.name();
            String number = Integer.toString(version.version());
            latency = Timer.builder("mlops.scoring.latency")
                    .description("Time of one scoring call (one row or one batch)")
                    .tags("model", model, "version", number)
                    .publishPercentileHistogram()
                    .register(meters);
            rows = Counter.builder("mlops.scoring.rows").description("Rows scored")
                    .tags("model", model, "version", number).register(meters);
            invalidArguments = Counter.builder("mlops.scoring.errors").description("Scoring calls that failed")
                    .tags("model", model, "version", number, "error", "invalid_argument").register(meters);
            failures = Counter.builder("mlops.scoring.errors").description("Scoring calls that failed")
                    .tags("model", model, "version", number, "error", "failure").register(meters);
        }
    }

    Scorer scorer() {
        return scorer;
    }

    ModelVersion version() {
        return version;
    }

    boolean tryAcquire() {
        while (true) {
            int current = references.get();
            if (current == 0) {
                return false;
            }
            if (references.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            scorer.close();
        }
    }

    boolean measured() {
        return latency != null;
    }

    void recordSuccess(long startNanos, int rowCount) {
        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        rows.increment(rowCount);
    }

    void recordFailure(long startNanos, boolean invalidArgument) {
        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        (invalidArgument ? invalidArguments : failures).increment();
    }
}
