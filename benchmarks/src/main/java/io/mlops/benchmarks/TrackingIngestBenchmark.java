package io.mlops.benchmarks;

import io.mlops.Mlops;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.BatchedMetricLogger;
import io.mlops.api.tracking.BatchingOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tracking.ingest}: one million metric points into PostgreSQL through the SDK's batched
 * logger, against a plain batched JDBC insert of the same rows into the same table in the same run
 * (reWriteBatchedInserts, a commit every 1000 rows, the fastest plain batch in ANCHORS.md).
 * Trials alternate between the two paths; the medians are reported.
 */
final class TrackingIngestBenchmark {

    static final int POINTS = Integer.getInteger("bench.ingest.points", 1_000_000);
    static final int TRIALS = Integer.getInteger("bench.ingest.trials", 3);
    /** Points per write of the SDK's logger; the library default unless set. */
    static final int BATCH = Integer.getInteger("bench.ingest.batch", BatchingOptions.DEFAULTS.maxBatchSize());
    private static final int KEYS = 10;
    private static final int COMMIT_EVERY = 1000;

    private TrackingIngestBenchmark() {
    }

    static List<String> run() throws Exception {
        String url = Postgres.freshSchema("bench_ingest");
        List<Double> sdk = new ArrayList<>();
        List<Double> sdkOne = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        try (Mlops mlops = Mlops.builder().metadata(url).artifacts("mem:").build()) {
            for (int trial = 0; trial < TRIALS; trial++) {
                try (ActiveRun baseline = mlops.tracking().startRun("ingest-baseline")) {
                    raw.add(rawJdbc(url, baseline.id()));
                    baseline.finish();
                }
                sdk.add(throughSdk(mlops, BatchingOptions.DEFAULTS.writers()));
                sdkOne.add(throughSdk(mlops, 1));
                System.err.printf("tracking.ingest trial %d: sdk %.0f points/s (%d writers), sdk with one writer"
                        + " %.0f points/s, raw %.0f points/s%n", trial + 1, sdk.get(trial),
                        BatchingOptions.DEFAULTS.writers(), sdkOne.get(trial), raw.get(trial));
            }
        } finally {
            Postgres.dropSchema(url);
        }
        double sdkMedian = Stats.median(sdk);
        double sdkOneMedian = Stats.median(sdkOne);
        double rawMedian = Stats.median(raw);
        return List.of("BENCH tracking.ingest points=" + POINTS + " trials=" + TRIALS + " batch=" + BATCH
                        + " writers=" + BatchingOptions.DEFAULTS.writers()
                        + " sdk_per_s=" + Stats.fmt(sdkMedian) + " raw_jdbc_per_s=" + Stats.fmt(rawMedian)
                        + " ratio=" + Stats.fmt(sdkMedian / rawMedian),
                "BENCH tracking.ingest.one_writer points=" + POINTS + " trials=" + TRIALS + " batch=" + BATCH
                        + " writers=1 sdk_per_s=" + Stats.fmt(sdkOneMedian) + " raw_jdbc_per_s=" + Stats.fmt(rawMedian)
                        + " ratio=" + Stats.fmt(sdkOneMedian / rawMedian));
    }

    /** Logs every point through one batched logger with {@code writers} parallel writers. */
    private static double throughSdk(Mlops mlops, int writers) {
        try (ActiveRun run = mlops.tracking().startRun("ingest-sdk-" + writers)) {
            long start = System.nanoTime();
            try (BatchedMetricLogger logger = mlops.tracking().batchedLogger(run.id(),
                    BatchingOptions.builder().maxBatchSize(BATCH).writers(writers).build())) {
                for (int i = 0; i < POINTS; i++) {
                    logger.logMetric("m" + (i % KEYS), value(i), i / KEYS, 1_700_000_000_000L + i);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            run.finish();
            return POINTS / seconds;
        }
    }

    private static double rawJdbc(String url, String runId) throws Exception {
        String batchedUrl = url + "&reWriteBatchedInserts=true";
        try (Connection c = DriverManager.getConnection(batchedUrl)) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO metrics (run_id, metric_key, metric_value, step, metric_time) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < POINTS; i++) {
                    insert.setString(1, runId);
                    insert.setString(2, "m" + (i % KEYS));
                    insert.setDouble(3, value(i));
                    insert.setLong(4, i / KEYS);
                    insert.setLong(5, 1_700_000_000_000L + i);
                    insert.addBatch();
                    if ((i + 1) % COMMIT_EVERY == 0) {
                        insert.executeBatch();
                        c.commit();
                    }
                }
                insert.executeBatch();
                c.commit();
            }
            return POINTS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double value(int i) {
        return Math.sin(i * 0.001) + i * 1e-7;
    }
}
