package io.mlops.benchmarks;

import io.mlops.Mlops;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.RunPage;
import io.mlops.api.tracking.RunSearch;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code tracking.search}: a two-clause filter with an order by a metric, first page of 100, over
 * 10,000 and then 100,000 runs of one experiment (20 metrics and 10 params each), on PostgreSQL.
 * The runs are written with plain JDBC batches into the store's own tables, after the store has
 * created them, because writing 100,000 runs through the API would dominate the benchmark's time;
 * only latest values are written since search reads no history.
 */
final class TrackingSearchBenchmark {

    static final int QUERIES = Integer.getInteger("bench.search.queries", 200);
    private static final int WARMUP = 30;
    private static final int METRICS = 20;
    private static final int PARAMS = 10;
    private static final String[] TRAINERS = {"lr", "gbm", "rf", "svm"};

    private TrackingSearchBenchmark() {
    }

    static List<String> run() throws Exception {
        String url = Postgres.freshSchema("bench_search");
        List<String> lines = new ArrayList<>();
        try (Mlops mlops = Mlops.builder().metadata(url).artifacts("mem:").build()) {
            Experiment experiment = mlops.tracking().getOrCreateExperiment("search-benchmark");
            Random random = new Random(42);
            int written = 0;
            for (int target : new int[] {10_000, 100_000}) {
                written = populate(url, experiment.id(), written, target, random);
                analyze(url);
                lines.add(measure(mlops, experiment.id(), target, random, "m0", "tracking.search", QUERIES));
                lines.add(measure(mlops, experiment.id(), target, random, "m1", "tracking.search.order_by_other_metric",
                        QUERIES / 4));
            }
        } finally {
            Postgres.dropSchema(url);
        }
        return lines;
    }

    /**
     * Times {@code metrics.m0 > x AND params.p0 = '<trainer>'} ordered by {@code orderMetric} DESC. Ordered
     * by the filtered metric (the and ANCHORS.md's query) the store can walk that metric's
     * index; ordered by another metric every match has to be sorted.
     */
    private static String measure(Mlops mlops, String experimentId, int runs, Random random, String orderMetric,
                                  String name, int queries) {
        List<Double> millis = new ArrayList<>();
        int matched = 0;
        for (int q = 0; q < WARMUP + queries; q++) {
            double threshold = 0.5 + 0.4 * random.nextDouble();
            String trainer = TRAINERS[random.nextInt(TRAINERS.length)];
            RunSearch search = RunSearch.builder(experimentId)
                    .filter(String.format(Locale.ROOT, "metrics.m0 > %.4f AND params.p0 = '%s'", threshold, trainer))
                    .orderBy("metrics." + orderMetric + " DESC")
                    .pageSize(100)
                    .build();
            long start = System.nanoTime();
            RunPage page = mlops.tracking().searchRuns(search);
            double elapsed = (System.nanoTime() - start) / 1e6;
            if (q >= WARMUP) {
                millis.add(elapsed);
                matched += page.runs().size();
            }
        }
        if (matched == 0) {
            throw new IllegalStateException("no query matched any run: the benchmark data is wrong");
        }
        System.err.printf(Locale.ROOT, "%s runs=%d: %d queries, mean page %.1f runs%n",
                name, runs, queries, matched / (double) queries);
        return "BENCH " + name + " runs=" + runs + " queries=" + queries
                + " p50_ms=" + Stats.fmt(Stats.percentile(millis, 50))
                + " p95_ms=" + Stats.fmt(Stats.percentile(millis, 95));
    }

    /** Adds runs {@code from..to-1}, committing every 1000 runs. */
    private static int populate(String url, String experimentId, int from, int to, Random random) throws Exception {
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url + "&reWriteBatchedInserts=true")) {
            c.setAutoCommit(false);
            try (PreparedStatement runs = c.prepareStatement("INSERT INTO runs (id, experiment_id, name, status, start_time,"
                    + " end_time, user_name) VALUES (?, ?, ?, 'FINISHED', ?, ?, 'bench')");
                 PreparedStatement params = c.prepareStatement(
                         "INSERT INTO params (run_id, param_key, param_value) VALUES (?, ?, ?)");
                 PreparedStatement metrics = c.prepareStatement("INSERT INTO latest_metrics (run_id, metric_key,"
                         + " metric_value, step, metric_time) VALUES (?, ?, ?, 0, ?)")) {
                for (int i = from; i < to; i++) {
                    String id = String.format("%032x", i);
                    long time = 1_700_000_000_000L + i * 1000L;
                    runs.setString(1, id);
                    runs.setString(2, experimentId);
                    runs.setString(3, "run-" + i);
                    runs.setLong(4, time);
                    runs.setLong(5, time + 500);
                    runs.addBatch();
                    for (int p = 0; p < PARAMS; p++) {
                        params.setString(1, id);
                        params.setString(2, "p" + p);
                        params.setString(3, p == 0 ? TRAINERS[random.nextInt(TRAINERS.length)] : Integer.toString(random.nextInt(100)));
                        params.addBatch();
                    }
                    for (int m = 0; m < METRICS; m++) {
                        metrics.setString(1, id);
                        metrics.setString(2, "m" + m);
                        metrics.setDouble(3, random.nextDouble());
                        metrics.setLong(4, time);
                        metrics.addBatch();
                    }
                    if ((i + 1) % 1000 == 0) {
                        runs.executeBatch();
                        params.executeBatch();
                        metrics.executeBatch();
                        c.commit();
                    }
                }
                runs.executeBatch();
                params.executeBatch();
                metrics.executeBatch();
                c.commit();
            }
        }
        System.err.printf(Locale.ROOT, "tracking.search: wrote runs %d..%d in %.1f s%n", from, to - 1,
                (System.nanoTime() - start) / 1e9);
        return to;
    }

    private static void analyze(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("ANALYZE");
        }
    }
}
