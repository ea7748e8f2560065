package io.mlops.core.internal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.spi.PredictionLogEntry;
import io.mlops.api.spi.PredictionLogStore;
import io.mlops.stores.InMemoryMetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The prediction log never slows or fails scoring: sampling, a bounded queue, and store failures absorbed. */
class PredictionLoggerTest {
    private static final ModelVersion VERSION = new ModelVersion("bank", 2, "", "models/bank.onnx", "ab".repeat(32), 3, "onnx",
            null, "", Map.of(), ModelVersionStatus.NEW, "alice", 0);
    private static final Prediction PREDICTION = new Prediction(PredictionKind.CLASSIFICATION, Optional.of("no"),
            Map.of("no", 0.8, "yes", 0.2), List.of(), Map.of());
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);

    private static List<PredictionLogEntry> scan(PredictionLogStore store) {
        List<PredictionLogEntry> all = new ArrayList<>();
        store.scanPredictions("bank", 2, 0, Long.MAX_VALUE, all::add);
        return all;
    }

    @Test
    void everyCallLogged_atRateOne_withItsRequestIdRowAndTime() throws Exception {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (PredictionLogger logger = new PredictionLogger(store, PredictionLogOptions.DEFAULTS.withBatchSize(64), CLOCK, meters)) {
            for (int i = 0; i < 1000; i++) {
                Map<String, Object> row = new HashMap<>(Map.of("age", (double) i, "job", "admin."));
                logger.offer(VERSION, "req-" + i, row, PREDICTION, 123_000);
                row.put("age", -1.0); // the caller reuses its map: the log must have copied it
            }
            assertThat(logger.flush(10_000)).isTrue();

            List<PredictionLogEntry> logged = scan(store);
            assertThat(logged).hasSize(1000);
            assertThat(logged.get(7).requestId()).isEqualTo("req-7");
            assertThat(logged.get(7).latencyMicros()).isEqualTo(123);
            assertThat(logged.get(7).loggedAt()).isEqualTo(CLOCK.millis());
            assertThat(PredictionPayload.read(logged.get(7).payload()).inputs()).containsEntry("age", 7.0).containsEntry("job", "admin.");
            assertThat(logger.logged()).isEqualTo(1000);
            assertThat(logger.dropped()).isZero();
            assertThat(meters.counter("mlops.predictions.logged").count()).isEqualTo(1000);
        }
    }

    @Test
    void sampling_logsRoughlyTheRate_andNothingAtZero() throws Exception {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        try (PredictionLogger none = new PredictionLogger(store, PredictionLogOptions.sampled(0), CLOCK, null)) {
            for (int i = 0; i < 1000; i++) {
                none.offer(VERSION, null, Map.of("age", 1.0), PREDICTION, 1);
            }
            assertThat(none.flush(10_000)).isTrue();
        }
        assertThat(scan(store)).isEmpty();
        try (PredictionLogger some = new PredictionLogger(store, PredictionLogOptions.sampled(0.3), CLOCK, null)) {
            for (int i = 0; i < 10_000; i++) {
                some.offer(VERSION, null, Map.of("age", 1.0), PREDICTION, 1);
            }
            assertThat(some.flush(10_000)).isTrue();
        }
        // Binomial(10 000, 0.3): a standard deviation of 46, so ±400 cannot fail by chance.
        assertThat(scan(store)).hasSizeBetween(2600, 3400);
        // Made-up request ids are unique: labels must never join the wrong prediction.
        assertThat(scan(store).stream().map(PredictionLogEntry::requestId).distinct().count()).isEqualTo(scan(store).size());
    }

    @Test
    @Timeout(60)
    void aStuckStore_neverBlocksTheCaller_theQueueIsBounded_andDropsAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InMemoryMetadataStore delegate = new InMemoryMetadataStore();
        PredictionLogStore stuck = new ForwardingStore(delegate) {
            @Override
            public void appendPredictions(List<PredictionLogEntry> entries) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.appendPredictions(entries);
            }
        };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PredictionLogOptions small = new PredictionLogOptions(1.0, 100, 10, Duration.ofMillis(10));
        try (PredictionLogger logger = new PredictionLogger(stuck, small, CLOCK, meters)) {
            // With the store stuck, these calls can only finish (within the timeout) if none waits for it.
            for (int i = 0; i < 100_000; i++) {
                logger.offer(VERSION, null, Map.of("age", 1.0), PREDICTION, 1);
            }
            // At most the queue plus the batch the writer holds were accepted; the rest were dropped.
            assertThat(logger.dropped()).isBetween(100_000L - 110, 100_000L - 100);
            assertThat(meters.counter("mlops.predictions.dropped").count()).isEqualTo(logger.dropped());
            release.countDown();
            assertThat(logger.flush(10_000)).isTrue();
            assertThat(scan(delegate)).hasSize((int) (100_000 - logger.dropped()));
        }
    }

    @Test
    void aFailingStore_losesThoseBatches_countsThem_andLogsAgainWhenItRecovers() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        InMemoryMetadataStore delegate = new InMemoryMetadataStore();
        PredictionLogStore flaky = new ForwardingStore(delegate) {
            @Override
            public void appendPredictions(List<PredictionLogEntry> entries) {
                if (down.get()) {
                    throw new StoreUnavailableException("connection refused");
                }
                super.appendPredictions(entries);
            }
        };
        try (PredictionLogger logger = new PredictionLogger(flaky, PredictionLogOptions.DEFAULTS, CLOCK, null)) {
            for (int i = 0; i < 50; i++) {
                assertThatCode(() -> logger.offer(VERSION, null, Map.of("age", 1.0), PREDICTION, 1)).doesNotThrowAnyException();
            }
            assertThat(logger.flush(10_000)).isTrue();
            assertThat(logger.failed()).isEqualTo(50);
            down.set(false);
            for (int i = 0; i < 20; i++) {
                logger.offer(VERSION, null, Map.of("age", 2.0), PREDICTION, 1);
            }
            assertThat(logger.flush(10_000)).isTrue();
            assertThat(scan(delegate)).hasSize(20);
            assertThat(logger.logged()).isEqualTo(20);
        }
    }

    @Test
    void close_writesWhatIsQueued_thenDropsLaterOffers() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        PredictionLogger logger = new PredictionLogger(store, PredictionLogOptions.DEFAULTS.withFlushInterval(Duration.ofMinutes(1)),
                CLOCK, null);
        for (int i = 0; i < 300; i++) {
            logger.offer(VERSION, null, Map.of("age", 1.0), PREDICTION, 1);
        }
        logger.close();

        assertThat(scan(store)).hasSize(300);
        logger.offer(VERSION, null, Map.of("age", 1.0), PREDICTION, 1);
        assertThat(logger.dropped()).isEqualTo(1);
    }

    @Test
    void arraysInARow_areCopied_soACallerReusingItsBufferDoesNotChangeTheLog() throws Exception {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        try (PredictionLogger logger = new PredictionLogger(store, PredictionLogOptions.DEFAULTS, CLOCK, null)) {
            float[] buffer = {1f, 2f, 3f};
            logger.offer(VERSION, "r-1", Map.of("x", buffer), PREDICTION, 1);
            buffer[0] = 99f;
            assertThat(logger.flush(10_000)).isTrue();
        }
        assertThat(PredictionPayload.read(scan(store).get(0).payload()).inputs().get("x")).isEqualTo(List.of(1.0, 2.0, 3.0));
    }

    @Test
    @Timeout(60)
    void closingWhileCallersOffer_accountsForEveryCall() throws Exception {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        PredictionLogger logger = new PredictionLogger(store, new PredictionLogOptions(1.0, 50, 10, Duration.ofMillis(5)), CLOCK,
                null);
        int threads = 4;
        int calls = 20_000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> offers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                offers.add(pool.submit(() -> {
                    for (int i = 0; i < calls; i++) {
                        logger.offer(VERSION, null, Map.of("age", 1.0), PREDICTION, 1);
                    }
                }));
            }
            Thread.sleep(5);
            logger.close();
            for (java.util.concurrent.Future<?> offer : offers) {
                offer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // Every call was written, dropped (queue full, or offered during or after close) or failed: none vanished.
        assertThat(logger.logged() + logger.dropped() + logger.failed()).isEqualTo((long) threads * calls);
        assertThat(scan(store)).hasSize((int) logger.logged());
    }

    /** A store that passes every call to another; tests override the call they break. */
    private static class ForwardingStore implements PredictionLogStore {
        private final PredictionLogStore delegate;

        ForwardingStore(PredictionLogStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void appendPredictions(List<PredictionLogEntry> entries) {
            delegate.appendPredictions(entries);
        }

        @Override
        public Optional<String> saveLabelIfAbsent(String model, String requestId, String label, long recordedAt) {
            return delegate.saveLabelIfAbsent(model, requestId, label, recordedAt);
        }

        @Override
        public void scanPredictions(String model, int version, long from, long toExclusive, Predicate<PredictionLogEntry> sink) {
            delegate.scanPredictions(model, version, from, toExclusive, sink);
        }

        @Override
        public long deletePredictionsBefore(String model, long before) {
            return delegate.deletePredictionsBefore(model, before);
        }
    }
}
