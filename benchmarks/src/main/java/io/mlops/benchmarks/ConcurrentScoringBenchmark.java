package io.mlops.benchmarks;

import io.mlops.Mlops;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.core.internal.serving.MicroBatchingScorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.serving.ModelServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code score.concurrent64}: 64 caller threads each calling {@code score(row)} in a loop through
 * the server handle ({@code ModelServer.scorer}), with micro-batching on
 * ({@code microBatching(delay, 64)}) and off (one runtime call per caller call, the baseline), in
 * alternating trials; each trial warms up, then counts completed calls over a fixed time. The line
 * gives median throughputs over the trials, their ratio, and the median of the trials' own ratios
 * ({@code ratio_paired}).
 */
final class ConcurrentScoringBenchmark {
    static final int THREADS = Integer.getInteger("bench.concurrent.threads", 64);
    static final int MAX_ROWS = Integer.getInteger("bench.concurrent.max_rows", 64);
    static final long DELAY_US = Long.getLong("bench.concurrent.delay_us", 200);
    static final int TRIALS = Integer.getInteger("bench.concurrent.trials", 5);
    static final double WARMUP_S = 2;
    static final double MEASURE_S = Double.parseDouble(System.getProperty("bench.concurrent.seconds", "5"));
    static final boolean CEILING = Boolean.parseBoolean(System.getProperty("bench.concurrent.ceiling", "true"));
    static final String MODELS = System.getProperty("bench.score.models", ScoringFixtures.BANK + "," + ScoringFixtures.MLP);

    private ConcurrentScoringBenchmark() {
    }

    /** Throughput and failures of one trial. */
    record Trial(double perSecond, long failed) {
    }

    static List<String> run(Path dir, boolean server) throws Exception {
        List<String> lines = new ArrayList<>();
        ScoringFixtures.BankRows bank = ScoringFixtures.BankRows.load();
        ScorerOptions batched = ScorerOptions.builder()
                .microBatching(Duration.ofNanos(DELAY_US * 1000), MAX_ROWS).build();
        for (String model : MODELS.split(",")) {
            List<Map<String, ?>> rows = new ArrayList<>();
            if (model.equals(ScoringFixtures.BANK)) {
                rows.addAll(ScoringFixtures.bankRows(bank.first(ScoringFixtures.BATCH)));
            } else {
                Arrays.stream(ScoringFixtures.mlpVectors(ScoringFixtures.BATCH)).forEach(v -> rows.add(ScoringFixtures.mlpRow(v)));
            }
            List<Double> batchedRates = new ArrayList<>();
            List<Double> perCallRates = new ArrayList<>();
            // Each trial runs both back to back, so their ratio is free of the host's slower and faster spells.
            List<Double> trialRatios = new ArrayList<>();
            long failed = 0;
            try (Mlops mlops = ScoringFixtures.openMlops()) {
                ScoringFixtures.register(mlops, model, ScoringFixtures.modelBytes(dir, model));
                for (int trial = 0; trial < TRIALS; trial++) {
                    boolean batchedFirst = trial % 2 == 1;
                    for (boolean micro : batchedFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                        Trial t = trial(mlops, model, server, micro ? batched : ScorerOptions.DEFAULTS, rows);
                        (micro ? batchedRates : perCallRates).add(t.perSecond());
                        failed += t.failed();
                        System.out.printf(Locale.ROOT, "score.concurrent64 %s trial %d %s: %.0f calls/s%s%n", model,
                                trial + 1, micro ? "micro-batched" : "per-call", t.perSecond(),
                                t.failed() > 0 ? " (" + t.failed() + " failed)" : "");
                    }
                    trialRatios.add(batchedRates.get(trial) / perCallRates.get(trial));
                }
            }
            double b = Stats.median(batchedRates);
            double p = Stats.median(perCallRates);
            lines.add(String.format(Locale.ROOT, "BENCH score.concurrent64 model=%s threads=%d delay_us=%d max_rows=%d"
                    + " batched_per_s=%.0f percall_per_s=%.0f ratio=%.2f ratio_paired=%.2f failed=%d trials=%d%s",
                    model, THREADS, DELAY_US, MAX_ROWS, b, p, b / p, Stats.median(trialRatios), failed, TRIALS,
                    server ? "" : " sdk_via=scorer"));
            if (CEILING && lines.stream().noneMatch(l -> l.startsWith("BENCH score.concurrent64.ceiling"))) {
                lines.add(ceiling(dir, model, rows));
            }
        }
        return lines;
    }

    /**
     * The same callers through the micro-batcher around a scorer that answers at once with
     * precomputed predictions: what the hand-over from caller to dispatcher and back costs on this
     * machine, whatever the model. Batched throughput of a real model cannot exceed it.
     */
    private static String ceiling(Path dir, String model, List<Map<String, ?>> rows) throws Exception {
        List<Double> rates = new ArrayList<>();
        try (Mlops mlops = ScoringFixtures.openMlops()) {
            ScoringFixtures.register(mlops, model, ScoringFixtures.modelBytes(dir, model));
            try (Scorer real = mlops.scorer(ScoringFixtures.champion(model))) {
                Prediction answer = real.score(rows.get(0));
                Scorer instant = new InstantScorer(real, answer);
                for (int trial = 0; trial < TRIALS; trial++) {
                    try (Scorer batching = new MicroBatchingScorer(instant, DELAY_US * 1000, MAX_ROWS)) {
                        Trial t = load(batching, rows);
                        rates.add(t.perSecond());
                        System.out.printf(Locale.ROOT, "score.concurrent64 ceiling trial %d: %.0f calls/s%n", trial + 1,
                                t.perSecond());
                    }
                }
            }
        }
        return String.format(Locale.ROOT, "BENCH score.concurrent64.ceiling model=instant threads=%d delay_us=%d max_rows=%d"
                + " batched_per_s=%.0f trials=%d", THREADS, DELAY_US, MAX_ROWS, Stats.median(rates), TRIALS);
    }

    /** Answers every row with the same prediction, without running a model. */
    private record InstantScorer(Scorer model, Prediction answer) implements Scorer {
        @Override
        public ModelVersion version() {
            return model.version();
        }

        @Override
        public List<FeatureSpec> features() {
            return model.features();
        }

        @Override
        public Prediction score(Map<String, ?> row) {
            return answer;
        }

        @Override
        public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
            return Collections.nCopies(rows.size(), answer);
        }

        @Override
        public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
            throw new UnsupportedOperationException("not used by this benchmark");
        }

        @Override
        public void close() {
            // the real scorer is closed by its owner
        }
    }

    private static Trial trial(Mlops mlops, String model, boolean server, ScorerOptions options,
            List<Map<String, ?>> rows) throws InterruptedException {
        String uri = ScoringFixtures.champion(model);
        ModelServer modelServer = null;
        Scorer plain = null;
        try {
            Scorer scorer;
            if (server) {
                modelServer = ModelServer.builder(mlops).pollInterval(Duration.ZERO).scorerOptions(options).build();
                scorer = modelServer.scorer(uri);
            } else {
                plain = mlops.scorer(io.mlops.api.ModelUri.parse(uri), options);
                scorer = plain;
            }
            return load(scorer, rows);
        } finally {
            if (modelServer != null) {
                modelServer.close();
            }
            if (plain != null) {
                plain.close();
            }
        }
    }

    /** 0: warming up, 1: counting, 2: stop. */
    private static Trial load(Scorer scorer, List<Map<String, ?>> rows) throws InterruptedException {
        AtomicInteger phase = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        long[] counts = new long[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            int id = i;
            Map<String, ?> row = rows.get(i % rows.size());
            threads[i] = new Thread(() -> {
                long count = 0;
                int p;
                while ((p = phase.get()) < 2) {
                    try {
                        if (scorer.score(row).label().isEmpty()) {
                            failed.incrementAndGet();
                        } else if (p == 1 && phase.get() == 1) {
                            count++;
                        }
                    } catch (RuntimeException e) {
                        if (failed.incrementAndGet() == 1) {
                            e.printStackTrace();
                        }
                    }
                }
                counts[id] = count;
            }, "caller-" + i);
            threads[i].start();
        }
        Thread.sleep((long) (WARMUP_S * 1000));
        phase.set(1);
        long start = System.nanoTime();
        Thread.sleep((long) (MEASURE_S * 1000));
        phase.set(2);
        long end = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        return new Trial(Arrays.stream(counts).sum() / ((end - start) / 1e9), failed.get());
    }
}
