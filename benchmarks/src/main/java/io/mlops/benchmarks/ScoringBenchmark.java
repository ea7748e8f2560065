package io.mlops.benchmarks;

import io.mlops.Mlops;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;

/**
 * {@code score.single}, {@code score.batch256} and {@code score.vs_tribuo}: the JMH benchmarks of
 * {@link ScoringJmh}, run in {@value #DEFAULT_ROUNDS} rounds of one fork each (so the SDK, the raw
 * baseline and Tribuo alternate over time on a noisy machine rather than running back to back),
 * each fork with {@value #DEFAULT_WARMUP} warm-up and {@value #DEFAULT_ITERATIONS} measured
 * iterations of 1 s. Figures are medians over every measured iteration of every fork; the
 * {@code ratio} key divides those medians. {@code ratio_paired} is a cross-check measured in this
 * JVM after the JMH rounds (see {@link #paired}), which survives the machine's load changing
 * between forks. {@code score.batch256} also times the SDK handle given the same rows as typed
 * columns ({@code Scorer.scoreColumns}: one column per bank feature, one vector column for the
 * MLP; keys {@code sdk_columns_us}, {@code ratio_columns}, {@code ratio_columns_paired}), the input
 * form closest to the raw baseline's; {@code sdk_us} and {@code ratio} stay the row-map figures. Before anything is timed,
 * the SDK (rows and columns), the raw baseline and Tribuo are checked to give the same labels and
 * probabilities for the benchmark's rows.
 */
final class ScoringBenchmark {
    static final int DEFAULT_ROUNDS = 3;
    static final int DEFAULT_WARMUP = 3;
    static final int DEFAULT_ITERATIONS = 5;
    static final int ROUNDS = Integer.getInteger("bench.score.rounds", DEFAULT_ROUNDS);
    static final int WARMUP = Integer.getInteger("bench.score.warmup", DEFAULT_WARMUP);
    static final int ITERATIONS = Integer.getInteger("bench.score.iterations", DEFAULT_ITERATIONS);
    /** Comma-separated subset of {@code bank,mlp}. */
    static final String MODELS = System.getProperty("bench.score.models", ScoringFixtures.BANK + "," + ScoringFixtures.MLP);

    private ScoringBenchmark() {
    }

    static List<String> run(Path dir, boolean server, Set<String> wanted) throws Exception {
        List<String> models = List.of(MODELS.split(","));
        checkEquivalence(dir, models);

        Set<String> methods = new LinkedHashSet<>();
        if (wanted.contains("score.single") || wanted.contains("score.vs_tribuo")) {
            methods.addAll(List.of("single_scorer", "single_raw"));
            if (server) {
                methods.add("single_sdk");
            }
        }
        if (wanted.contains("score.batch256") || wanted.contains("score.vs_tribuo")) {
            methods.addAll(List.of("batch_scorer", "batch_raw"));
            if (server) {
                methods.add("batch_sdk");
            }
        }
        if (wanted.contains("score.vs_tribuo")) {
            methods.addAll(List.of("tribuo_single", "tribuo_single_encode", "tribuo_batch", "tribuo_batch_encode"));
        }

        boolean columns = wanted.contains("score.batch256");
        Map<String, List<Double>> iterations = new LinkedHashMap<>();
        Map<String, List<Double>> forkMeans = new LinkedHashMap<>();
        for (int round = 1; round <= ROUNDS; round++) {
            System.out.printf("score: JMH round %d of %d (%s%s)%n", round, ROUNDS, methods,
                    columns ? " and batch_columns" : "");
            runJmh(dir, server, methods, models, iterations, forkMeans);
            if (columns) {
                runJmh(dir, server, Set.of("batch_columns"), models, iterations, forkMeans);
            }
        }

        System.out.println();
        System.out.println("score: per-fork means (µs), in round order:");
        forkMeans.forEach((key, means) -> System.out.printf(Locale.ROOT, "  %-28s %s   median of %d iterations %s%n",
                key, means.stream().map(Stats::fmt).toList(), iterations.get(key).size(),
                Stats.fmt(Stats.median(iterations.get(key)))));

        Map<String, Double> paired = paired(dir, server, models, wanted);

        Map<String, Double> median = new LinkedHashMap<>();
        iterations.forEach((key, values) -> median.put(key, Stats.median(values)));
        String sdk = server ? "sdk" : "scorer";
        String via = server ? "" : " sdk_via=scorer";
        String common = " forks=" + ROUNDS + " iterations=" + ITERATIONS;
        List<String> lines = new ArrayList<>();
        if (wanted.contains("score.single")) {
            for (String model : models) {
                double s = median.get("single_" + sdk + "/" + model);
                double raw = median.get("single_raw/" + model);
                lines.add("BENCH score.single model=" + model + " sdk_us=" + Stats.fmt(s) + " scorer_us="
                        + Stats.fmt(median.get("single_scorer/" + model)) + " raw_ort_us=" + Stats.fmt(raw)
                        + " ratio=" + ratio(s, raw) + " ratio_paired=" + ratio(paired.get("single/" + model), 1) + via
                        + common);
            }
        }
        if (wanted.contains("score.batch256")) {
            for (String model : models) {
                double s = median.get("batch_" + sdk + "/" + model);
                double raw = median.get("batch_raw/" + model);
                Double typedUs = median.get("batch_columns/" + model);
                String typed = typedUs == null ? "" : " sdk_columns_us=" + Stats.fmt(typedUs) + " ratio_columns="
                        + ratio(typedUs, raw) + " ratio_columns_paired=" + ratio(paired.get("columns/" + model), 1);
                lines.add("BENCH score.batch256 model=" + model + " sdk_us=" + Stats.fmt(s) + " scorer_us="
                        + Stats.fmt(median.get("batch_scorer/" + model)) + " raw_ort_us=" + Stats.fmt(raw)
                        + " ratio=" + ratio(s, raw) + " ratio_paired=" + ratio(paired.get("batch/" + model), 1)
                        + typed + " sdk_us_per_row=" + Stats.fmt(s / ScoringFixtures.BATCH) + via + common);
            }
        }
        if (wanted.contains("score.vs_tribuo") && models.contains(ScoringFixtures.BANK)) {
            String bank = "/" + ScoringFixtures.BANK;
            double s1 = median.get("single_" + sdk + bank);
            double t1 = median.get("tribuo_single" + bank);
            lines.add("BENCH score.vs_tribuo model=bank rows=1 sdk_us=" + Stats.fmt(s1) + " tribuo_us=" + Stats.fmt(t1)
                    + " ratio=" + ratio(s1, t1) + " tribuo_with_encoding_us="
                    + Stats.fmt(median.get("tribuo_single_encode" + bank)) + via + common);
            double s256 = median.get("batch_" + sdk + bank);
            double t256 = median.get("tribuo_batch" + bank);
            lines.add("BENCH score.vs_tribuo model=bank rows=256 sdk_us=" + Stats.fmt(s256) + " tribuo_us="
                    + Stats.fmt(t256) + " ratio=" + ratio(s256, t256) + " tribuo_with_encoding_us="
                    + Stats.fmt(median.get("tribuo_batch_encode" + bank)) + via + common);
        }
        return lines;
    }

    /** One JMH run of {@code methods} over {@code models}; adds each fork's figures under "method/model". */
    private static void runJmh(Path dir, boolean server, Set<String> methods, List<String> models,
            Map<String, List<Double>> iterations, Map<String, List<Double>> forkMeans) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(ScoringJmh.class.getName().replace(".", "\\.") + "\\.(" + String.join("|", methods) + ")$")
                .param("model", models.toArray(String[]::new))
                .forks(1)
                .warmupIterations(WARMUP)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(ITERATIONS)
                .measurementTime(TimeValue.seconds(1))
                .threads(1)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .jvmArgsAppend("-D" + ScoringFixtures.DIR_PROPERTY + "=" + dir,
                        "-D" + ScoringFixtures.SERVER_PROPERTY + "=" + server);
        // For finding where the time goes, e.g. -Dbench.jmh.prof=stack or gc; off for recorded figures.
        String profiler = System.getProperty("bench.jmh.prof", "");
        if (!profiler.isEmpty()) {
            options.addProfiler(profiler);
        }
        for (RunResult result : new Runner(options.build()).run()) {
            BenchmarkParams params = result.getParams();
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            String model = params.getParamsKeys().contains("model") ? params.getParam("model") : ScoringFixtures.BANK;
            String key = method + "/" + model;
            for (BenchmarkResult fork : result.getBenchmarkResults()) {
                forkMeans.computeIfAbsent(key, k -> new ArrayList<>()).add(fork.getPrimaryResult().getScore());
                for (IterationResult it : fork.getIterationResults()) {
                    iterations.computeIfAbsent(key, k -> new ArrayList<>()).add(it.getPrimaryResult().getScore());
                }
            }
        }
    }

    /**
     * A cross-check that does not depend on the machine staying equally busy between JMH forks:
     * in one JVM, the SDK handle, the plain scorer and the raw baseline are timed in alternating
     * blocks of {@value #PAIRED_BLOCK_MS} ms ({@value #PAIRED_ROUNDS} rounds after 2 s of warm-up
     * each), and the ratio SDK / raw is taken per round, then the median over rounds.
     *
     * @return "single/model" and "batch/model" to the median paired ratio
     */
    static Map<String, Double> paired(Path dir, boolean server, List<String> models, Set<String> wanted)
            throws Exception {
        System.setProperty(ScoringFixtures.DIR_PROPERTY, dir.toString());
        System.setProperty(ScoringFixtures.SERVER_PROPERTY, Boolean.toString(server));
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (String model : models) {
            ScoringJmh.Models m = new ScoringJmh.Models();
            m.model = model;
            m.setUp();
            try {
                for (String kind : List.of("single", "batch")) {
                    if (!wanted.contains(kind.equals("single") ? "score.single" : "score.batch256")) {
                        continue;
                    }
                    boolean single = kind.equals("single");
                    Scorer sdk = server ? m.served : m.plain;
                    List<Op> ops = new ArrayList<>(List.of(
                            single ? () -> sdk.score(m.row) : () -> sdk.scoreBatch(m.rows),
                            single ? () -> m.plain.score(m.row) : () -> m.plain.scoreBatch(m.rows),
                            single ? m.rawSingle::score : m.rawBatch::score));
                    boolean columns = !single && m.columns != null;
                    if (columns) {
                        ops.add(() -> sdk.scoreColumns(m.columns));
                    }
                    for (Op op : ops) {
                        block(op, 2000);
                    }
                    List<Double> sdkOverRaw = new ArrayList<>();
                    List<Double> scorerOverRaw = new ArrayList<>();
                    List<Double> columnsOverRaw = new ArrayList<>();
                    double[] us = new double[ops.size()];
                    for (int round = 0; round < PAIRED_ROUNDS; round++) {
                        for (int i = 0; i < ops.size(); i++) {
                            int which = (i + round) % ops.size(); // rotate the order
                            us[which] = block(ops.get(which), PAIRED_BLOCK_MS);
                        }
                        sdkOverRaw.add(us[0] / us[2]);
                        scorerOverRaw.add(us[1] / us[2]);
                        if (columns) {
                            columnsOverRaw.add(us[3] / us[2]);
                        }
                    }
                    double r = Stats.median(sdkOverRaw);
                    ratios.put(kind + "/" + model, r);
                    System.out.printf(Locale.ROOT, "score paired %s/%s: median over %d rounds of sdk/raw %.3f"
                            + " (p25 %.3f, p75 %.3f), scorer/raw %.3f%n", kind, model, PAIRED_ROUNDS, r,
                            Stats.percentile(sdkOverRaw, 25), Stats.percentile(sdkOverRaw, 75),
                            Stats.median(scorerOverRaw));
                    if (columns) {
                        double c = Stats.median(columnsOverRaw);
                        ratios.put("columns/" + model, c);
                        System.out.printf(Locale.ROOT, "score paired columns/%s: median over %d rounds of"
                                + " sdk columns/raw %.3f (p25 %.3f, p75 %.3f)%n", model, PAIRED_ROUNDS, c,
                                Stats.percentile(columnsOverRaw, 25), Stats.percentile(columnsOverRaw, 75));
                    }
                }
            } finally {
                m.tearDown();
            }
        }
        return ratios;
    }

    static final int PAIRED_ROUNDS = Integer.getInteger("bench.score.paired_rounds", 40);
    static final int PAIRED_BLOCK_MS = 100;
    private static volatile Object sink;

    @FunctionalInterface
    private interface Op {
        Object run() throws Exception;
    }

    /** Runs the operation for about {@code millis} ms; returns µs per call. */
    private static double block(Op op, long millis) throws Exception {
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        long calls = 0;
        long now;
        do {
            sink = op.run();
            calls++;
        } while ((now = System.nanoTime()) < end);
        return (now - start) / 1e3 / calls;
    }

    static String ratio(double value, double baseline) {
        return String.format(Locale.ROOT, "%.3f", value / baseline);
    }

    /**
     * Before timing anything: the SDK, the raw baseline and Tribuo must give the same labels and
     * probabilities for the benchmark's 256 rows, or the comparison is meaningless.
     */
    static void checkEquivalence(Path dir, List<String> models) throws Exception {
        ScoringFixtures.BankRows bank = ScoringFixtures.BankRows.load();
        for (String model : models) {
            byte[] bytes = ScoringFixtures.modelBytes(dir, model);
            try (Mlops mlops = ScoringFixtures.openMlops();
                    RawOrt raw = RawOrt.of(model, bytes, ScoringFixtures.BATCH, bank)) {
                ScoringFixtures.register(mlops, model, bytes);
                List<Prediction> sdk;
                try (Scorer scorer = mlops.scorer(ScoringFixtures.champion(model))) {
                    List<Map<String, ?>> rows = new ArrayList<>();
                    FeatureColumns columns;
                    if (model.equals(ScoringFixtures.BANK)) {
                        rows.addAll(ScoringFixtures.bankRows(bank.first(ScoringFixtures.BATCH)));
                        columns = ScoringFixtures.bankColumns(bank.first(ScoringFixtures.BATCH));
                    } else {
                        Arrays.stream(ScoringFixtures.mlpVectors(ScoringFixtures.BATCH))
                                .forEach(v -> rows.add(ScoringFixtures.mlpRow(v)));
                        columns = ScoringFixtures.mlpColumns(ScoringFixtures.BATCH);
                    }
                    sdk = scorer.scoreBatch(rows);
                    List<Prediction> fromColumns = scorer.scoreColumns(columns);
                    for (int r = 0; r < ScoringFixtures.BATCH; r++) {
                        if (!fromColumns.get(r).label().equals(sdk.get(r).label())
                                || !fromColumns.get(r).probabilities().equals(sdk.get(r).probabilities())) {
                            throw new IllegalStateException(model + " row " + r + ": scoreColumns gave "
                                    + fromColumns.get(r) + " but scoreBatch " + sdk.get(r));
                        }
                    }
                }
                RawOrt.Output out = raw.score();
                List<String> classes = List.copyOf(sdk.get(0).probabilities().keySet());
                double maxRaw = 0;
                double maxTribuo = 0;
                LinearSGDModel tribuo = model.equals(ScoringFixtures.BANK) ? ScoringFixtures.tribuoModel(dir) : null;
                for (int r = 0; r < ScoringFixtures.BATCH; r++) {
                    Prediction p = sdk.get(r);
                    if (!p.label().orElseThrow().equals(out.labels()[r])) {
                        throw new IllegalStateException(model + " row " + r + ": SDK label " + p.label()
                                + " but raw ONNX Runtime " + out.labels()[r]);
                    }
                    for (int c = 0; c < classes.size(); c++) {
                        maxRaw = Math.max(maxRaw, Math.abs(p.probability(classes.get(c))
                                - out.probabilities()[r * classes.size() + c]));
                    }
                    if (tribuo != null) {
                        Map<String, Label> scores = tribuo.predict(bank.encoding().toExample(bank.test().get(r),
                                LabelFactory.UNKNOWN_LABEL)).getOutputScores();
                        for (Map.Entry<String, Label> e : scores.entrySet()) {
                            maxTribuo = Math.max(maxTribuo, Math.abs(p.probability(e.getKey()) - e.getValue().getScore()));
                        }
                    }
                }
                if (maxRaw > 1e-6 || maxTribuo > 1e-5) {
                    throw new IllegalStateException(model + ": SDK probabilities differ from raw by " + maxRaw
                            + " and from Tribuo by " + maxTribuo);
                }
                System.out.printf(Locale.ROOT, "score check: %s, %d rows: labels equal; max |sdk - raw| = %.1e%s%n",
                        model, ScoringFixtures.BATCH, maxRaw,
                        tribuo != null ? String.format(Locale.ROOT, ", max |sdk - tribuo| = %.1e", maxTribuo) : "");
            }
        }
    }
}
