package io.mlops.benchmarks;

import io.mlops.Mlops;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Scorer;
import io.mlops.serving.ModelServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code serve.swap}: {@value #DEFAULT_THREADS} caller threads score the quickstart's model
 * continuously through one {@code ModelServer} handle while the {@code champion} alias is moved
 * back and forth between two versions ({@code registry().setAlias}, then {@code server.refresh()})
 * {@value #DEFAULT_SWAPS} times, one swap every {@value #DEFAULT_INTERVAL_MS} ms after a steady
 * phase. Every call's start time and latency are recorded; a call belongs to a swap window if it
 * overlaps [refresh called, refresh returned + {@value #GRACE_MS} ms]. The line gives every call
 * after warm-up, the failed ones (an exception or no label), and p99 latency of calls outside and
 * inside swap windows.
 *
 * <p>With more callers than cores, calling back to back saturates the machine, and the tail
 * latency is then mostly the OS scheduler's round robin among the callers. So the benchmark runs
 * twice: {@code serve.swap} as the issue asks (continuous calls), and {@code serve.swap.paced},
 * where each caller pauses {@code bench.swap.pause_us} (default 5 ms) between calls, which keeps
 * the machine below saturation so that the tail shows what a swap itself costs callers.
 */
final class ServeSwapBenchmark {
    static final int DEFAULT_THREADS = 32;
    static final int DEFAULT_SWAPS = 20;
    static final int DEFAULT_INTERVAL_MS = 500;
    static final int GRACE_MS = 10;
    static final int THREADS = Integer.getInteger("bench.swap.threads", DEFAULT_THREADS);
    static final int SWAPS = Integer.getInteger("bench.swap.swaps", DEFAULT_SWAPS);
    static final int INTERVAL_MS = Integer.getInteger("bench.swap.interval_ms", DEFAULT_INTERVAL_MS);
    /** The paced variant's pause between one caller's calls, so the machine is not saturated. */
    static final long PACED_PAUSE_US = Long.getLong("bench.swap.pause_us", 5000);
    static final long WARMUP_MS = 3000;
    static final long STEADY_MS = 5000;

    private ServeSwapBenchmark() {
    }

    /** Per-thread record of call start times and latencies, in nanoseconds. */
    private static final class Calls {
        long[] starts = new long[1 << 16];
        long[] latencies = new long[1 << 16];
        int size;

        void add(long start, long latency) {
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                latencies = Arrays.copyOf(latencies, size * 2);
            }
            starts[size] = start;
            latencies[size] = latency;
            size++;
        }
    }

    static List<String> run(Path dir, boolean server) throws Exception {
        if (!server) {
            System.out.println("serve.swap skipped: ModelServer is not implemented yet");
            return List.of();
        }
        ScoringFixtures.BankRows bank = ScoringFixtures.BankRows.load();
        List<Map<String, ?>> rows = ScoringFixtures.bankRows(bank.first(ScoringFixtures.BATCH));
        String name = ScoringFixtures.BANK;
        try (Mlops mlops = ScoringFixtures.openMlops()) {
            ModelVersion v1 = ScoringFixtures.register(mlops, name, ScoringFixtures.modelBytes(dir, name));
            ModelVersion v2 = ScoringFixtures.register(mlops, name, ScoringFixtures.bankV2Bytes(dir));
            List<String> lines = new ArrayList<>();
            for (long pauseUs : new long[] {0, PACED_PAUSE_US}) {
                ScoringFixtures.champion(mlops, v1);
                try (ModelServer modelServer = ModelServer.builder(mlops).pollInterval(Duration.ZERO).build()) {
                    Scorer scorer = modelServer.scorer(ScoringFixtures.champion(name));
                    lines.add(load(mlops, modelServer, scorer, rows, v1, v2, pauseUs));
                }
            }
            return lines;
        }
    }

    private static String load(Mlops mlops, ModelServer server, Scorer scorer, List<Map<String, ?>> rows,
            ModelVersion v1, ModelVersion v2, long pauseUs) throws InterruptedException {
        AtomicLong failed = new AtomicLong();
        Calls[] calls = new Calls[THREADS];
        Thread[] threads = new Thread[THREADS];
        long[] recordFrom = {Long.MAX_VALUE};
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (int i = 0; i < THREADS; i++) {
            Calls mine = new Calls();
            calls[i] = mine;
            Map<String, ?> row = rows.get(i % rows.size());
            threads[i] = new Thread(() -> {
                while (!stop.get()) {
                    long start = System.nanoTime();
                    boolean ok;
                    try {
                        ok = scorer.score(row).label().isPresent();
                    } catch (RuntimeException e) {
                        ok = false;
                        if (failed.get() == 0) {
                            e.printStackTrace();
                        }
                    }
                    long end = System.nanoTime();
                    if (!ok) {
                        failed.incrementAndGet();
                    }
                    // A failed call is recorded with its latency negated (minus one, so zero stays distinct).
                    mine.add(start, ok ? end - start : -(end - start) - 1);
                    if (pauseUs > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(pauseUs * 1000);
                    }
                }
            }, "caller-" + i);
            threads[i].start();
        }
        Thread.sleep(WARMUP_MS);
        recordFrom[0] = System.nanoTime();
        Thread.sleep(STEADY_MS);
        long[] windowStart = new long[SWAPS];
        long[] windowEnd = new long[SWAPS];
        List<Double> refreshMs = new ArrayList<>();
        int wrongVersion = 0;
        for (int s = 0; s < SWAPS; s++) {
            ModelVersion target = s % 2 == 0 ? v2 : v1;
            ScoringFixtures.champion(mlops, target);
            long t0 = System.nanoTime();
            server.refresh();
            long t1 = System.nanoTime();
            windowStart[s] = t0;
            windowEnd[s] = t1 + GRACE_MS * 1_000_000L;
            refreshMs.add((t1 - t0) / 1e6);
            if (scorer.version().version() != target.version()) {
                wrongVersion++;
            }
            Thread.sleep(INTERVAL_MS);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        long failedAfterWarmup = 0;

        List<Double> steady = new ArrayList<>();
        List<Double> during = new ArrayList<>();
        long total = 0;
        for (Calls c : calls) {
            for (int i = 0; i < c.size; i++) {
                long start = c.starts[i];
                if (start < recordFrom[0]) {
                    continue;
                }
                total++;
                long latency = c.latencies[i];
                if (latency < 0) {
                    failedAfterWarmup++;
                    latency = -latency - 1;
                }
                long end = start + latency;
                double us = latency / 1e3;
                (overlaps(start, end, windowStart, windowEnd) ? during : steady).add(us);
            }
        }
        String name = pauseUs == 0 ? "serve.swap" : "serve.swap.paced";
        System.out.printf(Locale.ROOT, name + ": refresh() took median %.1f ms (max %.1f); %d calls in swap windows,"
                + " %d outside; version after refresh wrong %d times%n", Stats.median(refreshMs),
                Stats.percentile(refreshMs, 100), during.size(), steady.size(), wrongVersion);
        return String.format(Locale.ROOT, "BENCH %s model=bank threads=%d pause_us=%d swaps=%d calls=%d failed=%d"
                + " p50_us_steady=%s p99_us_steady=%s p50_us_during_swap=%s p99_us_during_swap=%s"
                + " refresh_ms=%s wrong_version=%d failed_in_warmup=%d",
                name, THREADS, pauseUs, SWAPS, total, failedAfterWarmup, Stats.fmt(Stats.median(steady)),
                Stats.fmt(Stats.percentile(steady, 99)), Stats.fmt(Stats.median(during)),
                Stats.fmt(Stats.percentile(during, 99)), Stats.fmt(Stats.median(refreshMs)), wrongVersion,
                failed.get() - failedAfterWarmup);
    }

    /** Windows are in time order and disjoint. */
    private static boolean overlaps(long start, long end, long[] windowStart, long[] windowEnd) {
        int i = Arrays.binarySearch(windowStart, end);
        int last = i >= 0 ? i : -i - 2; // last window starting at or before the call's end
        return last >= 0 && windowEnd[last] >= start;
    }
}
