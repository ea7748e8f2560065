package io.mlops.benchmarks;

import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.FeatureKind;
import io.mlops.core.internal.monitoring.DriftAnalysis;
import io.mlops.core.internal.monitoring.DriftStatistics;
import io.mlops.core.internal.monitoring.SketchProfile;
import io.mlops.core.internal.monitoring.SketchProfiler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code drift}: what profiling and drift analysis cost, on generated data in the shape of the
 * bank-marketing data set (5 numeric columns as {@code double[]}, 9 categorical columns as
 * {@code String[]}, fixed seeds, generated once before any timing).
 * <ul>
 *   <li>{@code drift.profile}: {@link SketchProfiler}'s column path over every column, then
 *       {@code profile()}, against one plain pass over the same arrays doing what a minimal profile
 *       must do without sketches (per numeric column count, missing, min, max, sum; per categorical
 *       column a {@code HashMap<String, long[]>} of counts). Warm-up runs, then alternating runs,
 *       medians. {@code heap_mb}: heap retained by the profiler and its profile (used heap after GC with
 *       the profile reachable, minus before the profiler was created), for all rows and for a
 *       100,000-row prefix ({@code heap_mb_100k}).</li>
 *   <li>{@code drift.psi}: {@link DriftAnalysis#compare} of two 200,000-row profiles (the window
 *       from another seed with ages 3 years older) over all features, against the exact PSI of
 *       {@code age} from the raw arrays (sort a copy of the baseline, exact deciles as edges, count
 *       both samples by binary search); median µs per call, and how far the sketch's PSI is from the
 *       exact one.</li>
 * </ul>
 * Knobs: {@code -Dbench.drift.rows} (default 1,000,000), {@code -Dbench.drift.prefix_rows}
 * (100,000), {@code -Dbench.drift.psi_rows} (200,000), {@code -Dbench.drift.runs} (7),
 * {@code -Dbench.drift.iterations} (200).
 */
final class DriftBenchmark {
    static final int ROWS = Integer.getInteger("bench.drift.rows", 1_000_000);
    static final int PREFIX_ROWS = Math.min(ROWS, Integer.getInteger("bench.drift.prefix_rows", 100_000));
    static final int PSI_ROWS = Integer.getInteger("bench.drift.psi_rows", 200_000);
    static final int RUNS = Integer.getInteger("bench.drift.runs", 7);
    /** Rows for the row-map path. */
    static final int ROW_PATH_ROWS = Integer.getInteger("bench.drift.row_rows", 200_000);
    static final int WARMUP_RUNS = 3;
    static final int ITERATIONS = Integer.getInteger("bench.drift.iterations", 200);
    static final int WARMUP_ITERATIONS = 50;
    private static final long SEED = 42L;
    private static final long WINDOW_SEED = 4242L;
    private static final double WINDOW_AGE_SHIFT = 3.0;
    private static final double PSI_EPSILON = 1e-4;

    private static final String[] NUMERIC = {"age", "duration", "campaign", "pdays", "previous"};
    private static final String[] CATEGORICAL = {"job", "marital", "education", "default", "housing", "loan", "contact",
        "month", "day_of_week"};
    private static final int FEATURES = NUMERIC.length + CATEGORICAL.length;
    private static final Map<String, FeatureKind> SCHEMA = schema();

    /** Categories and their approximate shares in bank-additional-full.csv (41,188 clients). */
    private static final Category[] CATEGORIES = {
        Category.of(new String[] {"admin.", "blue-collar", "technician", "services", "management", "retired",
            "entrepreneur", "self-employed", "housemaid", "unemployed", "student", "unknown"},
            new double[] {25.3, 22.5, 16.4, 9.6, 7.1, 4.2, 3.5, 3.5, 2.6, 2.5, 2.1, 0.8}),
        Category.of(new String[] {"married", "single", "divorced", "unknown"}, new double[] {60.5, 28.1, 11.2, 0.2}),
        Category.of(new String[] {"university.degree", "high.school", "basic.9y", "professional.course", "basic.4y",
            "basic.6y", "unknown", "illiterate"}, new double[] {29.5, 23.1, 14.7, 12.7, 10.1, 5.6, 4.2, 0.05}),
        Category.of(new String[] {"no", "unknown", "yes"}, new double[] {79.1, 20.9, 0.01}),
        Category.of(new String[] {"yes", "no", "unknown"}, new double[] {52.4, 45.2, 2.4}),
        Category.of(new String[] {"no", "yes", "unknown"}, new double[] {82.4, 15.2, 2.4}),
        Category.of(new String[] {"cellular", "telephone"}, new double[] {63.5, 36.5}),
        Category.of(new String[] {"may", "jul", "aug", "jun", "nov", "apr", "oct", "sep", "mar", "dec"},
            new double[] {33.4, 17.4, 15.0, 12.9, 10.0, 6.4, 1.7, 1.4, 1.3, 0.4}),
        Category.of(new String[] {"thu", "mon", "wed", "tue", "fri"}, new double[] {20.9, 20.7, 19.8, 19.6, 19.0}),
    };

    /** Results of every timed run end here, so that the JIT cannot drop the work; printed at the end. */
    private static volatile double sink;

    private DriftBenchmark() {
    }

    /** A table held column by column, as a caller of the column path has it. */
    private record Columns(double[][] numeric, String[][] categorical, int rows) {
    }

    private record Category(String[] values, double[] cumulative) {
        static Category of(String[] values, double[] weights) {
            return new Category(values, cumulative(weights));
        }

        private static double[] cumulative(double[] weights) {
            double total = Arrays.stream(weights).sum();
            double[] cumulative = new double[weights.length];
            double running = 0;
            for (int i = 0; i < weights.length; i++) {
                running += weights[i];
                cumulative[i] = running / total;
            }
            cumulative[weights.length - 1] = 1.0;
            return cumulative;
        }

        String draw(SplittableRandom random) {
            double u = random.nextDouble();
            for (int i = 0; i < cumulative.length; i++) {
                if (u < cumulative[i]) {
                    return values[i];
                }
            }
            return values[values.length - 1];
        }
    }

    static List<String> run() {
        long t0 = System.nanoTime();
        Columns data = generate(Math.max(ROWS, PSI_ROWS), SEED, 0);
        System.out.printf(Locale.ROOT, "drift: generated %d rows x %d features in %.1f s%n", data.rows(), FEATURES,
                (System.nanoTime() - t0) / 1e9);
        String profileLine = profileBenchmark(data);
        String rowLine = rowProfileBenchmark(data);
        String psiLine = psiBenchmark(data);
        System.out.printf(Locale.ROOT, "drift: sink %s%n", sink);
        return List.of(profileLine, rowLine, psiLine);
    }

    // ---- drift.profile -------------------------------------------------------------------------

    private static String profileBenchmark(Columns data) {
        List<Double> sdk = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        alternate(() -> consume(profileSdk(data, ROWS)), () -> plainPass(data, ROWS), sdk, plain, "drift.profile");
        double heapAll = retainedMb(data, ROWS);
        double heapPrefix = retainedMb(data, PREFIX_ROWS);
        SketchProfile profile = profileSdk(data, ROWS);
        System.out.printf(Locale.ROOT, "drift.profile: %d rows, profile serialized %d bytes%n", profile.rows(),
                profile.toBytes().length);
        double s = Stats.median(sdk);
        double p = Stats.median(plain);
        return String.format(Locale.ROOT, "BENCH drift.profile rows=%d features=%d sdk_ms=%s baseline_ms=%s ratio=%.2f"
                + " heap_mb=%.2f heap_mb_100k=%.2f", ROWS, FEATURES, Stats.fmt(s), Stats.fmt(p), s / p, heapAll, heapPrefix);
    }

    /**
     * Warm-up runs, then {@link #RUNS} runs of each side, alternating which goes first; adds each
     * timed run's milliseconds to {@code sdk} and {@code plain}.
     */
    private static void alternate(java.util.function.DoubleSupplier sdkRun, java.util.function.DoubleSupplier plainRun,
            List<Double> sdk, List<Double> plain, String name) {
        for (int run = -WARMUP_RUNS; run < RUNS; run++) {
            boolean sdkFirst = (run & 1) == 0;
            for (int side = 0; side < 2; side++) {
                boolean isSdk = (side == 0) == sdkFirst;
                long start = System.nanoTime();
                double result = isSdk ? sdkRun.getAsDouble() : plainRun.getAsDouble();
                double ms = (System.nanoTime() - start) / 1e6;
                sink += result;
                if (run >= 0) {
                    (isSdk ? sdk : plain).add(ms);
                }
            }
            if (run >= 0) {
                System.out.printf(Locale.ROOT, "%s run %d: sdk %.1f ms, plain pass %.1f ms%n", name, run + 1,
                        sdk.get(sdk.size() - 1), plain.get(plain.size() - 1));
            }
        }
    }

    // ---- drift.profile.rows ----------------------------------------------------------------------

    /**
     * The public API's path: {@code DataProfiler.add(Map)} per row, as an application or the
     * quickstart profiles a training set, against one plain pass over the same maps doing the
     * minimal profile by hand. Fewer rows than the column benchmark: a million maps would not fit
     * beside the arrays in the benchmark's heap.
     */
    private static String rowProfileBenchmark(Columns data) {
        int rows = Math.min(ROW_PATH_ROWS, data.rows());
        List<Map<String, Object>> maps = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            Map<String, Object> row = new java.util.HashMap<>(32);
            for (int i = 0; i < NUMERIC.length; i++) {
                row.put(NUMERIC[i], data.numeric()[i][r]);
            }
            for (int i = 0; i < CATEGORICAL.length; i++) {
                row.put(CATEGORICAL[i], data.categorical()[i][r]);
            }
            maps.add(row);
        }
        List<Double> sdk = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        alternate(() -> {
            SketchProfiler profiler = new SketchProfiler(SCHEMA);
            maps.forEach(profiler::add);
            return consume(profiler.profile());
        }, () -> plainRowPass(maps), sdk, plain, "drift.profile.rows");
        double s = Stats.median(sdk);
        double p = Stats.median(plain);
        return String.format(Locale.ROOT, "BENCH drift.profile.rows rows=%d features=%d sdk_ms=%s baseline_ms=%s ratio=%.2f",
                rows, FEATURES, Stats.fmt(s), Stats.fmt(p), s / p);
    }

    /** The minimal profile of row maps by hand: per numeric feature count, missing, min, max, sum; per categorical counts. */
    private static double plainRowPass(List<Map<String, Object>> maps) {
        double[] sum = new double[NUMERIC.length];
        double[] min = new double[NUMERIC.length];
        double[] max = new double[NUMERIC.length];
        long[] count = new long[NUMERIC.length];
        long[] missing = new long[NUMERIC.length];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        List<Map<String, long[]>> counts = new ArrayList<>();
        for (int i = 0; i < CATEGORICAL.length; i++) {
            counts.add(new java.util.HashMap<>());
        }
        for (Map<String, Object> row : maps) {
            for (int i = 0; i < NUMERIC.length; i++) {
                Object value = row.get(NUMERIC[i]);
                if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
                    double d = n.doubleValue();
                    count[i]++;
                    sum[i] += d;
                    min[i] = Math.min(min[i], d);
                    max[i] = Math.max(max[i], d);
                } else {
                    missing[i]++;
                }
            }
            for (int i = 0; i < CATEGORICAL.length; i++) {
                Object value = row.get(CATEGORICAL[i]);
                counts.get(i).computeIfAbsent(value == null ? "" : value.toString(), k -> new long[1])[0]++;
            }
        }
        double checksum = 0;
        for (int i = 0; i < NUMERIC.length; i++) {
            checksum += sum[i] + min[i] + max[i] + count[i] + missing[i];
        }
        for (Map<String, long[]> c : counts) {
            checksum += c.size();
        }
        return checksum;
    }

    /** The SDK's column path over the first {@code rows} rows of every column. */
    private static SketchProfile profileSdk(Columns data, int rows) {
        return feed(new SketchProfiler(SCHEMA), data, rows).profile();
    }

    private static SketchProfiler feed(SketchProfiler profiler, Columns data, int rows) {
        for (int i = 0; i < NUMERIC.length; i++) {
            profiler.addNumericColumn(NUMERIC[i], data.numeric()[i], 0, rows);
        }
        for (int i = 0; i < CATEGORICAL.length; i++) {
            profiler.addCategoricalColumn(CATEGORICAL[i], data.categorical()[i], 0, rows);
        }
        profiler.countRows(rows);
        return profiler;
    }

    private static double consume(SketchProfile profile) {
        double result = profile.rows();
        for (String feature : NUMERIC) {
            result += profile.count(feature);
        }
        for (String feature : CATEGORICAL) {
            result += profile.count(feature);
        }
        return result;
    }

    /**
     * The baseline: one plain pass over the same arrays doing what a minimal profile must, without
     * sketches. Returns a checksum of every result so that none of the work can be dropped.
     */
    private static double plainPass(Columns data, int rows) {
        double checksum = 0;
        for (double[] column : data.numeric()) {
            long count = 0;
            long missing = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                double v = column[r];
                if (Double.isNaN(v)) {
                    missing++;
                } else {
                    count++;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    sum += v;
                }
            }
            checksum += count + missing + min + max + sum;
        }
        for (String[] column : data.categorical()) {
            Map<String, long[]> counts = new HashMap<>();
            long missing = 0;
            for (int r = 0; r < rows; r++) {
                String v = column[r];
                if (v == null) {
                    missing++;
                    continue;
                }
                long[] n = counts.get(v);
                if (n == null) {
                    n = new long[1];
                    counts.put(v, n);
                }
                n[0]++;
            }
            checksum += missing + counts.size();
            for (long[] n : counts.values()) {
                checksum += n[0];
            }
        }
        return checksum;
    }

    /**
     * Heap retained by a profiler that has seen the first {@code rows} rows together with the
     * profile it made, in MiB: used heap after GC with both reachable, minus used heap after GC
     * before the profiler was created (the input arrays already exist then, so they are not
     * counted). Median of three measurements.
     */
    private static double retainedMb(Columns data, int rows) {
        List<Double> measured = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long before = usedHeapAfterGc();
            SketchProfiler profiler = feed(new SketchProfiler(SCHEMA), data, rows);
            SketchProfile profile = profiler.profile();
            long after = usedHeapAfterGc();
            sink += profile.rows();
            Reference.reachabilityFence(profile);
            Reference.reachabilityFence(profiler);
            measured.add((after - before) / (1024.0 * 1024.0));
        }
        System.out.printf(Locale.ROOT, "drift.profile: retained heap for %d rows %s MiB%n", rows, measured);
        return Stats.median(measured);
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the heap", e);
            }
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    // ---- drift.psi ----------------------------------------------------------------------------

    private static String psiBenchmark(Columns data) {
        Columns window = generate(PSI_ROWS, WINDOW_SEED, WINDOW_AGE_SHIFT);
        SketchProfile baselineProfile = profileSdk(data, PSI_ROWS);
        SketchProfile windowProfile = profileSdk(window, PSI_ROWS);
        double[] baselineAges = data.numeric()[0];
        double[] windowAges = window.numeric()[0];
        List<Double> sdk = new ArrayList<>();
        List<Double> exact = new ArrayList<>();
        DriftReport report = null;
        double psiExact = Double.NaN;
        for (int i = -WARMUP_ITERATIONS; i < ITERATIONS; i++) {
            boolean sdkFirst = (i & 1) == 0;
            for (int side = 0; side < 2; side++) {
                boolean isSdk = (side == 0) == sdkFirst;
                long start = System.nanoTime();
                if (isSdk) {
                    report = DriftAnalysis.compare("bank", 1, 0, 1, baselineProfile, windowProfile, DriftThresholds.DEFAULTS,
                            Optional.empty(), List.of(), 0);
                } else {
                    psiExact = exactPsi(baselineAges, windowAges, PSI_ROWS);
                }
                double us = (System.nanoTime() - start) / 1e3;
                sink += isSdk ? report.features().size() + report.driftedShare() : psiExact;
                if (i >= 0) {
                    (isSdk ? sdk : exact).add(us);
                }
            }
        }
        FeatureDrift age = report.features().stream().filter(f -> f.feature().equals("age")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the report has no age feature"));
        int exactBins = exactEdges(baselineAges, PSI_ROWS).length + 1;
        if (exactBins != age.bins().size()) {
            System.out.printf(Locale.ROOT, "drift.psi: note: the sketch binned age into %d bins, the exact deciles into %d%n",
                    age.bins().size(), exactBins);
        }
        System.out.println("drift.psi: " + report.summary());
        double s = Stats.median(sdk);
        double e = Stats.median(exact);
        return String.format(Locale.ROOT, "BENCH drift.psi features=%d bins=%d sdk_us=%s exact_us=%s ratio=%.2f"
                + " psi_sketch=%.4f psi_exact=%.4f abs_error=%s", FEATURES, age.bins().size(), Stats.fmt(s), Stats.fmt(e),
                s / e, age.psi(), psiExact, small(Math.abs(age.psi() - psiExact)));
    }

    /**
     * The exact PSI of a numeric feature, binned the way the report bins it: the baseline's deciles
     * (the smallest value whose inclusive rank reaches i/10), equal edges merged, bins
     * {@code (previous edge, edge]} and above the last edge. (The report also gives a value holding
     * a tenth of the baseline a bin of its own; no age does, which the bin count check in
     * {@link #psiBenchmark} would show.) Sorting is included: an exact method has to sort.
     */
    private static double exactPsi(double[] baseline, double[] window, int rows) {
        double[] edges = exactEdges(baseline, rows);
        long[] before = new long[edges.length + 1];
        long[] after = new long[edges.length + 1];
        for (int i = 0; i < rows; i++) {
            before[bin(edges, baseline[i])]++;
            after[bin(edges, window[i])]++;
        }
        double[] beforeShares = new double[before.length];
        double[] afterShares = new double[after.length];
        for (int i = 0; i < before.length; i++) {
            beforeShares[i] = (double) before[i] / rows;
            afterShares[i] = (double) after[i] / rows;
        }
        return DriftStatistics.populationStabilityIndex(beforeShares, afterShares, PSI_EPSILON);
    }

    private static double[] exactEdges(double[] baseline, int rows) {
        double[] sorted = Arrays.copyOf(baseline, rows);
        Arrays.sort(sorted);
        double[] edges = new double[9];
        int n = 0;
        for (int decile = 1; decile <= 9; decile++) {
            double q = sorted[(int) Math.ceil(decile * (double) rows / 10) - 1];
            if (n == 0 || q != edges[n - 1]) {
                edges[n++] = q;
            }
        }
        return Arrays.copyOf(edges, n);
    }

    /** Index of the bin {@code (edges[i-1], edges[i]]} holding {@code value}; edges.length for above the last. */
    private static int bin(double[] edges, double value) {
        int i = Arrays.binarySearch(edges, value);
        return i >= 0 ? i : -i - 1;
    }

    // ---- data ----------------------------------------------------------------------------------

    /**
     * Rows in the shape of the bank-marketing data (whole numbers, as in the data set): age
     * ~ N(40, 10) clipped to 17..98 (plus {@code ageShift}), duration exponential with mean 258 s,
     * campaign geometric on 1..56 (mean ~2.6), pdays 999 for 96% of clients else 0..27, previous 0
     * for 86% else 1..7; categories drawn with the data set's shares.
     */
    private static Columns generate(int rows, long seed, double ageShift) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] numeric = new double[NUMERIC.length][rows];
        String[][] categorical = new String[CATEGORICAL.length][rows];
        double campaignLog = Math.log(1 - 1 / 2.57);
        for (int r = 0; r < rows; r++) {
            numeric[0][r] = Math.min(98, Math.max(17, Math.rint(40 + 10 * gaussian(random)))) + ageShift;
            numeric[1][r] = Math.rint(-258 * Math.log(1 - random.nextDouble()));
            numeric[2][r] = Math.min(56, 1 + Math.floor(Math.log(1 - random.nextDouble()) / campaignLog));
            numeric[3][r] = random.nextDouble() < 0.96 ? 999 : random.nextInt(28);
            numeric[4][r] = random.nextDouble() < 0.86 ? 0 : 1 + random.nextInt(7);
            for (int c = 0; c < CATEGORICAL.length; c++) {
                categorical[c][r] = CATEGORIES[c].draw(random);
            }
        }
        return new Columns(numeric, categorical, rows);
    }

    /** Standard normal by Box–Muller (SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static Map<String, FeatureKind> schema() {
        Map<String, FeatureKind> schema = new LinkedHashMap<>();
        for (String name : NUMERIC) {
            schema.put(name, FeatureKind.NUMERIC);
        }
        for (String name : CATEGORICAL) {
            schema.put(name, FeatureKind.CATEGORICAL);
        }
        return schema;
    }

    /** Small non-negative figures such as a PSI error: four decimals, or two significant digits below 0.001. */
    private static String small(double value) {
        return value >= 1e-3 || value == 0 ? String.format(Locale.ROOT, "%.4f", value) : String.format(Locale.ROOT, "%.1e", value);
    }
}
