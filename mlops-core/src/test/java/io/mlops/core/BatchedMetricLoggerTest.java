package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.BatchedMetricLogger;
import io.mlops.api.tracking.BatchingOptions;
import io.mlops.api.tracking.FullBufferPolicy;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.RunStatus;
import io.mlops.api.tracking.Tracking;
import io.mlops.tck.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batched logger over the in-memory store, with faults injected by {@link FaultyMetricStore}.
 * No test sleeps to let time pass: they wait for a state ({@code pending() == 0}, a thread
 * blocked) with a generous deadline, or call {@code flush()}.
 */
class BatchedMetricLoggerTest {

    private static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final MutableClock clock = new MutableClock(T0);
    private final FaultyMetricStore faulty = new FaultyMetricStore();
    private final List<BatchedMetricLogger> loggers = new ArrayList<>();
    private Mlops mlops;
    private Tracking tracking;
    private ActiveRun run;

    @BeforeEach
    void open() {
        mlops = Mlops.builder().metadata(faulty.store()).artifacts("mem:").clock(clock).principal(Principal.of("alice")).build();
        tracking = mlops.tracking();
        run = tracking.startRun("batched");
    }

    @AfterEach
    void close() {
        faulty.open();
        faulty.permanentFailure = null;
        faulty.unavailableWrites.set(0);
        for (BatchedMetricLogger logger : loggers) {
            try {
                logger.close();
            } catch (RuntimeException alreadyReportedByTheTest) {
                // Tests that fail a logger on purpose have asserted the failure.
            }
        }
        mlops.close();
    }

    private BatchedMetricLogger logger(BatchingOptions.Builder options) {
        BatchedMetricLogger logger = tracking.batchedLogger(run.id(), options.build());
        loggers.add(logger);
        return logger;
    }

    private static BatchingOptions.Builder options() {
        return BatchingOptions.builder().backoff(Duration.ofMillis(1), Duration.ofMillis(8));
    }

    private List<Metric> history(String key) {
        return tracking.getMetricHistory(run.id(), key);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not " + what + " after " + PATIENCE);
            }
            Thread.sleep(2);
        }
    }

    // ---- batching

    @Test
    void flush_afterManyPoints_storesEveryPointInOrderWithTheClocksTimestamps() {
        BatchedMetricLogger logger = logger(options().maxBatchSize(64));
        List<Metric> expected = new ArrayList<>();
        for (int step = 0; step < 1_000; step++) {
            clock.advance(Duration.ofMillis(1));
            logger.logMetric("loss", 1.0 / (step + 1), step);
            expected.add(new Metric("loss", 1.0 / (step + 1), step, clock.millis()));
        }
        logger.flush();

        assertThat(logger.pending()).isZero();
        assertThat(history("loss")).containsExactlyElementsOf(expected);
        assertThat(tracking.getRun(run.id()).latestMetrics().get("loss")).isEqualTo(expected.get(999));
    }

    @Test
    void logMetric_withTimestamp_keepsIt() {
        BatchedMetricLogger logger = logger(options());
        logger.logMetric("auc", 0.8, 3, 42L);
        logger.flush();

        assertThat(history("auc")).containsExactly(new Metric("auc", 0.8, 3, 42L));
    }

    @Test
    void fullBatch_isWrittenWithoutFlush_andAPartialOneWaitsForTheDelay() throws Exception {
        BatchedMetricLogger logger = logger(options().maxBatchSize(10).maxDelay(Duration.ofHours(1)));
        for (int step = 0; step < 10; step++) {
            logger.logMetric("m", step, step);
        }
        await("written by size", () -> logger.pending() == 0);
        for (int step = 10; step < 15; step++) {
            logger.logMetric("m", step, step);
        }

        assertThat(history("m")).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        // Only a full batch, a flush, close or the hour-long delay writes these.
        assertThat(logger.pending()).isEqualTo(5);
        logger.flush();
        assertThat(history("m")).hasSize(15);
    }

    @Test
    void partialBatch_isWrittenOnceTheDelayHasPassed() throws Exception {
        BatchedMetricLogger logger = logger(options().maxBatchSize(1_000).maxDelay(Duration.ofMillis(20)));
        logger.logMetric("m", 1, 0);
        logger.logMetric("m", 2, 1);
        logger.logMetric("m", 3, 2);

        await("written by time", () -> logger.pending() == 0);
        assertThat(history("m")).extracting(Metric::value).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void manyThreads_throughOneLogger_everyPointStoredOnce() throws Exception {
        BatchedMetricLogger logger = logger(options().maxBatchSize(100).bufferCapacity(500));
        List<Callable<Void>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            long first = t * 10_000L;
            writers.add(() -> {
                for (long step = first; step < first + 2_000; step++) {
                    logger.logMetric("m", step, step);
                }
                return null;
            });
        }
        Concurrently.run(writers);
        logger.close();

        List<Long> expected = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            LongStream.range(t * 10_000L, t * 10_000L + 2_000).forEach(expected::add);
        }
        assertThat(history("m")).extracting(Metric::step).containsExactlyElementsOf(expected);
    }

    // ---- full buffer

    @Test
    void failPolicy_fullBuffer_refusesThePointWithoutTakingIt() {
        faulty.hold();
        BatchedMetricLogger logger = logger(options().bufferCapacity(4).maxBatchSize(2).onFull(FullBufferPolicy.FAIL));
        for (int step = 0; step < 4; step++) {
            logger.logMetric("m", step, step);
        }

        assertThatThrownBy(() -> logger.logMetric("m", 4, 4))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("buffer is full")
                .hasMessageContaining("4 of 4")
                .hasMessageContaining("step 4");
        assertThat(logger.pending()).isEqualTo(4);
        faulty.open();
        logger.flush();
        assertThat(history("m")).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void blockPolicy_fullBuffer_waitsForRoom() throws Exception {
        faulty.hold();
        BatchedMetricLogger logger = logger(options().bufferCapacity(2).maxBatchSize(1));
        logger.logMetric("m", 0, 0);
        logger.logMetric("m", 1, 1);
        Thread third = new Thread(() -> logger.logMetric("m", 2, 2), "third-point");
        third.start();

        await("blocked on the full buffer", () -> third.getState() == Thread.State.WAITING);
        assertThat(logger.pending()).isEqualTo(2);
        faulty.open();
        third.join(PATIENCE.toMillis());
        assertThat(third.isAlive()).isFalse();
        logger.flush();
        assertThat(history("m")).extracting(Metric::step).containsExactly(0L, 1L, 2L);
    }

    // ---- validation and life cycle

    @Test
    void logMetric_invalidPoint_isRefusedAtCallTimeNamingTheValue() {
        BatchedMetricLogger logger = logger(options());

        assertThatThrownBy(() -> logger.logMetric("loss", Double.NaN, 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> logger.logMetric("loss", Double.POSITIVE_INFINITY, 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> logger.logMetric("loss", 1.0, -1))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> logger.logMetric("/etc/passwd", 1.0, 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'/etc/passwd'");
        assertThat(logger.pending()).isZero();
        logger.flush();
        assertThat(faulty.writeAttempts).hasValue(0);
    }

    @Test
    void batchedLogger_missingRun_isNotFound_andEndedRun_isConflict() {
        assertThatThrownBy(() -> tracking.batchedLogger("no-such-run", BatchingOptions.DEFAULTS))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-run");
        run.finish();
        assertThatThrownBy(() -> tracking.batchedLogger(run.id(), BatchingOptions.DEFAULTS))
                .isInstanceOf(ConflictException.class).hasMessageContaining(run.id()).hasMessageContaining("FINISHED");
    }

    @Test
    void close_isIdempotent_stopsTheWriter_andRefusesLaterPoints() throws Exception {
        BatchedMetricLogger logger = logger(options());
        String writerName = "mlops-metrics-" + run.id().substring(0, 8);
        assertThat(Thread.getAllStackTraces().keySet())
                .anySatisfy(t -> assertThat(t.getName()).isEqualTo(writerName));
        logger.logMetric("m", 1, 0);
        logger.close();
        logger.close();

        assertThat(history("m")).hasSize(1);
        assertThatThrownBy(() -> logger.logMetric("m", 2, 1))
                .isInstanceOf(ConflictException.class).hasMessageContaining("closed").hasMessageContaining(run.id());
        await("writer thread ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals(writerName)));
    }

    @Test
    void flush_interrupted_restoresTheInterruptFlag_andKeepsThePoints() {
        faulty.hold();
        BatchedMetricLogger logger = logger(options());
        logger.logMetric("m", 1, 0);

        Thread.currentThread().interrupt();
        assertThatThrownBy(logger::flush).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("interrupted");
        assertThat(Thread.interrupted()).isTrue();
        faulty.open();
        logger.flush();
        assertThat(history("m")).hasSize(1);
    }

    // ---- store failures

    @Test
    void storeUnavailable_isRetriedWithBackoff_andEveryPointStoredOnce() {
        faulty.unavailableWrites.set(3);
        BatchedMetricLogger logger = logger(options().maxBatchSize(10));
        for (int step = 0; step < 100; step++) {
            logger.logMetric("m", step, step);
        }
        logger.flush();

        assertThat(history("m")).extracting(Metric::step).containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
        assertThat(faulty.unavailableWrites).hasValue(0);
        assertThat(faulty.writeAttempts.get()).isGreaterThanOrEqualTo(10 + 3);
    }

    @Test
    void writeCommittedButReportedFailed_isRepeated_andStoredOnce() {
        faulty.lostAcknowledgements.set(2);
        BatchedMetricLogger logger = logger(options().maxBatchSize(10));
        for (int step = 0; step < 50; step++) {
            logger.logMetric("m", step, step);
        }
        logger.flush();

        assertThat(faulty.lostAcknowledgements).hasValue(0);
        assertThat(history("m")).extracting(Metric::step).containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
    }

    @Test
    void flush_storeDownLongerThanTheTimeout_throwsAndKeepsRetrying() {
        faulty.unavailableWrites.set(Integer.MAX_VALUE);
        BatchedMetricLogger logger = logger(options().closeTimeout(Duration.ofMillis(100)));
        for (int step = 0; step < 5; step++) {
            logger.logMetric("m", step, step);
        }

        assertThatThrownBy(logger::flush)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("5 point(s) were not stored within PT0.1S")
                .hasMessageContaining("test: the store is down")
                .hasMessageContaining("kept and retried");
        assertThat(logger.pending()).isEqualTo(5);
        faulty.unavailableWrites.set(0);
        logger.flush();
        assertThat(history("m")).hasSize(5);
    }

    @Test
    void close_storeDownLongerThanTheTimeout_throwsNamingTheLostPoints_everyTime() {
        faulty.unavailableWrites.set(Integer.MAX_VALUE);
        BatchedMetricLogger logger = logger(options().closeTimeout(Duration.ofMillis(100)));
        for (int step = 0; step < 3; step++) {
            logger.logMetric("m", step, step);
        }

        assertThatThrownBy(logger::close)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("3 point(s) were not stored")
                .hasMessageContaining("given up");
        assertThatThrownBy(logger::close).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("3 point(s)");
    }

    @Test
    void nonRetryableFailure_stopsTheLogger_andIsRethrownFromEveryLaterCall() throws Exception {
        faulty.permanentFailure = new NotFoundException("run '" + run.id() + "' does not exist");
        BatchedMetricLogger logger = logger(options().maxBatchSize(1));
        logger.logMetric("m", 1, 0);
        await("stopped", () -> faulty.writeAttempts.get() > 0 && logger.toString().contains("failed"));

        assertThatThrownBy(logger::flush)
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("1 point(s) were not stored")
                .hasCause(faulty.permanentFailure);
        assertThatThrownBy(() -> logger.logMetric("m", 2, 1)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(logger::close).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(logger::close).isInstanceOf(NotFoundException.class);
        assertThat(faulty.writeAttempts).hasValue(1);
    }

    @Test
    void finishingTheRun_flushesAndClosesItsOpenLoggers_soNoPointLandsAfterTheEnd() {
        BatchedMetricLogger logger = logger(options().maxDelay(Duration.ofHours(1)).maxBatchSize(10_000).bufferCapacity(10_000));
        for (int step = 0; step < 500; step++) {
            logger.logMetric("loss", 1.0 / (step + 1), step);
        }

        run.finish();

        assertThat(history("loss")).hasSize(500);
        assertThat(tracking.getRun(run.id()).status()).isEqualTo(RunStatus.FINISHED);
        assertThatThrownBy(() -> logger.logMetric("loss", 0.1, 501))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(run.id());
    }

    @Test
    void severalWriters_storeEveryPointOnce_andKeepEachMetricsOrder() {
        BatchedMetricLogger logger = logger(options().writers(4).maxBatchSize(50));
        for (int step = 0; step < 400; step++) {
            for (int k = 0; k < 7; k++) {
                logger.logMetric("m" + k, step * 10 + k, step);
            }
        }
        logger.flush();

        assertThat(logger.pending()).isZero();
        for (int k = 0; k < 7; k++) {
            assertThat(history("m" + k)).extracting(Metric::step)
                    .containsExactlyElementsOf(LongStream.range(0, 400).boxed().toList());
        }
    }

    @Test
    void writers_outOfRange_isRefusedNamingTheValue() {
        assertThatThrownBy(() -> BatchingOptions.builder().writers(0).build())
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("writers 0");
        assertThatThrownBy(() -> BatchingOptions.builder().writers(17).build())
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("writers 17");
    }
}
