package io.mlops.core.internal.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.ConflictException;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.serving.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Callers get their own answers from shared batches; a full batch goes at once; a delegate that
 * breaks its contract fails the callers of that batch, never leaving later callers parked with no
 * dispatcher left to answer them.
 */
class MicroBatchingScorerTest {

    /** Answers every row with its "x", except that its first batch comes back one prediction short. */
    private static class ShortOnceScorer implements Scorer {
        final AtomicBoolean broken;
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        ShortOnceScorer() {
            this(true);
        }

        ShortOnceScorer(boolean broken) {
            this.broken = new AtomicBoolean(broken);
        }

        @Override
        public ModelVersion version() {
            return new ModelVersion("m", 1, "", "models/m.bin", "0".repeat(64), 1L, "test", ModelSignature.EMPTY, "",
                    Map.of(), ModelVersionStatus.NEW, "tester", 0L);
        }

        @Override
        public List<FeatureSpec> features() {
            return List.of();
        }

        @Override
        public Prediction score(Map<String, ?> row) {
            return new Prediction(PredictionKind.REGRESSION, Optional.empty(), Map.of(),
                    List.of(((Number) row.get("x")).doubleValue()), Map.of());
        }

        @Override
        public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
            batchSizes.add(rows.size());
            List<Prediction> all = rows.stream().map(this::score).toList();
            return broken.getAndSet(false) ? all.subList(0, all.size() - 1) : all;
        }

        @Override
        public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentCallers_shareBatches_andEachGetsItsOwnAnswer() throws Exception {
        ShortOnceScorer model = new ShortOnceScorer(false);
        int callers = 32;
        int calls = 300;
        try (MicroBatchingScorer scorer = new MicroBatchingScorer(model, TimeUnit.MILLISECONDS.toNanos(1), 16)) {
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                List<Future<Integer>> wrong = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    wrong.add(pool.submit(() -> {
                        int mismatches = 0;
                        for (int i = 0; i < calls; i++) {
                            double x = caller * 10_000 + i;
                            if (!scorer.score(Map.of("x", x)).values().equals(List.of(x))) {
                                mismatches++;
                            }
                        }
                        return mismatches;
                    }));
                }
                for (Future<Integer> f : wrong) {
                    assertThat(f.get()).isZero();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(model.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(callers * calls);
        assertThat(model.batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 16));
        assertThat(model.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0))
                .as("some calls were coalesced").isGreaterThan(1);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void scoreColumns_goesStraightToTheModelAsOneBatch_andIsRefusedOnceClosed() {
        ShortOnceScorer model = new ShortOnceScorer(false);
        FeatureColumns columns = FeatureColumns.builder().numbers("x", new double[] {1, 2, 3}).build();
        // The delay is far beyond the timeout: only a call that bypasses the queue can finish.
        MicroBatchingScorer scorer = new MicroBatchingScorer(model, TimeUnit.MINUTES.toNanos(5), 64);
        assertThat(scorer.scoreColumns(columns)).extracting(Prediction::values)
                .containsExactly(List.of(1.0), List.of(2.0), List.of(3.0));
        assertThat(model.batchSizes).containsExactly(3);
        scorer.close();
        assertThatThrownBy(() -> scorer.scoreColumns(columns)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("is closed");
        assertThat(model.batchSizes).containsExactly(3);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aFullBatchRunsWithoutWaitingOutTheDelay() throws Exception {
        ShortOnceScorer model = new ShortOnceScorer(false);
        // The delay is far beyond the timeout: the calls can only finish if the batch going full sends it.
        try (MicroBatchingScorer scorer = new MicroBatchingScorer(model, TimeUnit.MINUTES.toNanos(5), 4)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Prediction>> answers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    double x = i;
                    answers.add(pool.submit(() -> scorer.score(Map.of("x", x))));
                }
                for (int i = 0; i < 4; i++) {
                    assertThat(answers.get(i).get().values()).containsExactly((double) i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(model.batchSizes).containsExactly(4);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aBatchAnsweredShort_failsItsCallers_andLaterCallsAreStillAnswered() {
        try (MicroBatchingScorer scorer = new MicroBatchingScorer(new ShortOnceScorer(), 1_000_000L, 8)) {
            assertThatThrownBy(() -> scorer.score(Map.of("x", 1.0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("answered 0 predictions for a batch of 1 rows");

            for (int i = 0; i < 50; i++) {
                assertThat(scorer.score(Map.of("x", (double) i)).values()).containsExactly((double) i);
            }
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void whileBatchesLeaveFull_aCrowdedCallerWithNoAnswerYetStillParks_andCloseAnswersIt() throws Exception {
        ShortOnceScorer model = new ShortOnceScorer(false);
        // Every caller counts as crowded; the delay is far beyond the timeout, so a batch leaves
        // only when full or when close() sends it.
        MicroBatchingScorer scorer = new MicroBatchingScorer(model, TimeUnit.MINUTES.toNanos(5), 2, 0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Prediction> first = pool.submit(() -> scorer.score(Map.of("x", 1.0)));
            Future<Prediction> second = pool.submit(() -> scorer.score(Map.of("x", 2.0)));
            assertThat(first.get().values()).containsExactly(1.0);
            assertThat(second.get().values()).containsExactly(2.0);
            assertThat(scorer.batchesFull).as("a batch of maxRows rows left").isTrue();

            // Alone, this caller yields, gets no answer meanwhile, and must end up parked on the scorer.
            AtomicReference<Thread> lone = new AtomicReference<>();
            Future<Prediction> answer = pool.submit(() -> {
                lone.set(Thread.currentThread());
                return scorer.score(Map.of("x", 3.0));
            });
            while (lone.get() == null || LockSupport.getBlocker(lone.get()) != scorer) {
                Thread.sleep(1);
            }
            scorer.close();
            assertThat(answer.get().values()).containsExactly(3.0);
        } finally {
            scorer.close();
            pool.shutdownNow();
        }
        assertThat(model.batchSizes).containsExactly(2, 1);
        assertThat(scorer.batchesFull).as("the lone row left short of maxRows").isFalse();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void anInterruptedCaller_getsItsAnswer_andKeepsItsInterrupt() throws Exception {
        ShortOnceScorer model = new ShortOnceScorer(false);
        // Batches leave only when full; in round 1 the caller waits by yielding first (round 0's batch was full).
        try (MicroBatchingScorer scorer = new MicroBatchingScorer(model, TimeUnit.MINUTES.toNanos(5), 2, 0)) {
            ExecutorService pool = Executors.newFixedThreadPool(1);
            try {
                for (int round = 0; round < 2; round++) {
                    double x = round;
                    Future<Prediction> partner = pool.submit(() -> scorer.score(Map.of("x", x + 100)));
                    Thread.currentThread().interrupt();
                    Prediction mine = scorer.score(Map.of("x", x));
                    boolean keptInterrupt = Thread.interrupted();
                    assertThat(keptInterrupt).as("interrupt kept in round %d", round).isTrue();
                    assertThat(mine.values()).containsExactly(x);
                    assertThat(partner.get().values()).containsExactly(x + 100);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(scorer.batchesFull).isTrue();
        }
        assertThat(model.batchSizes).containsExactly(2, 2);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void whenEveryDispatcherStopsOnAnError_laterCallsAreRefused_notLeftParked() {
        ShortOnceScorer model = new ShortOnceScorer(false) {
            @Override
            public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
                throw new NoClassDefFoundError("ai/onnxruntime/OrtSession");
            }
        };
        try (MicroBatchingScorer scorer = new MicroBatchingScorer(model, 1_000_000L, 8)) {
            List<String> messages = new ArrayList<>();
            // Each call stops one dispatcher, until none is left and calls are refused.
            for (int i = 0; i < MicroBatchingScorer.MAX_DISPATCHERS + 2; i++) {
                assertThatThrownBy(() -> scorer.score(Map.of("x", 1.0)))
                        .isInstanceOf(ConflictException.class)
                        .satisfies(e -> messages.add(e.getMessage()));
            }
            assertThat(messages.get(0)).contains("stopped: java.lang.NoClassDefFoundError: ai/onnxruntime/OrtSession");
            assertThat(messages.get(messages.size() - 1))
                    .isEqualTo("micro-batching of models:/m/1 stopped after an error (see the log); load the model again to score");
        }
    }
}
