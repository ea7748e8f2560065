package io.mlops.core.internal.monitoring;

import io.mlops.api.monitoring.BinShare;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.PerformanceWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Compares a window's profile with a baseline: the drift rules, in one place.
 *
 * <ul>
 *   <li>Numeric features are binned on the baseline's deciles (equal edges merged, so a feature
 *       with few values gets fewer bins, and a value holding a tenth of the baseline or more gets a
 *       bin of its own); categorical features on their categories, the least
 *       frequent beyond {@link #MAX_CATEGORIES} merged into {@value #OTHER}.</li>
 *   <li>Shares are of all rows, with a {@value #MISSING} bin when values are missing on either
 *       side, so that a feature that stops arriving drifts.</li>
 *   <li>PSI uses those bins, an empty bin counting as {@link #EPSILON}; Jensen–Shannon uses them as
 *       they are.</li>
 *   <li>Kolmogorov–Smirnov takes the largest CDF gap over both sketches' quantiles. Its p-value is
 *       computed after subtracting the sketches' own rank error, so that sketching alone never
 *       reads as drift, and, when values are missing, it is the smaller of that and a chi-squared
 *       test of the missing share; chi-squared runs on the categories' counts, missing included.</li>
 *   <li>{@link DriftThresholds} turns the figures into verdicts.</li>
 * </ul>
 *
 * <p>KLL compaction is randomised (DataSketches draws from one unseeded generator), so two
 * profiles of the same numbers can differ within the sketch's rank error and a figure in the second
 * or third decimal may change between runs; a stored baseline is fixed, and categorical counts up
 * to the cardinality limit are exact.
 */
public final class DriftAnalysis {
    /** The share an empty bin counts as in PSI and Jensen–Shannon, instead of zero (which gives infinity). */
    public static final double EPSILON = 1e-4;
    /** Bins of a numeric feature before merging equal edges: deciles. */
    static final int NUMERIC_BINS = 10;
    /** Categories compared one by one; rarer ones are compared together. */
    static final int MAX_CATEGORIES = 50;
    static final String OTHER = "(other)";
    /** The bin of rows where the feature was missing. */
    static final String MISSING = "(missing)";
    /** The bin of rows where a feature always missing in the baseline had a value. */
    static final String PRESENT = "(present)";
    /** Smallest expected count of a chi-squared cell: below it, cells are pooled. */
    static final double MIN_EXPECTED = 5;
    /** Share of the baseline at one value from which that value gets a bin of its own. */
    static final double POINT_MASS = 0.1;
    /** Quantiles per sketch at which the two CDFs are compared for Kolmogorov–Smirnov. */
    private static final int KS_POINTS = 200;
    static final String KOLMOGOROV_SMIRNOV = "kolmogorov_smirnov";
    static final String CHI_SQUARED = "chi_squared";

    private DriftAnalysis() {
    }

    /**
     * The report of {@code window} against {@code baseline}.
     *
     * @param performance accuracy and AUC over the window, if it had labels
     */
    public static DriftReport compare(String model, int version, long windowStart, long windowEnd, SketchProfile baseline,
            SketchProfile window, DriftThresholds thresholds, Optional<PerformanceWindow> performance,
            List<String> extraNotes, long createdAt) {
        if (!baseline.schema().equals(window.schema())) {
            throw new io.mlops.api.InvalidArgumentException("the window's schema " + window.schema()
                    + " differs from the baseline's " + baseline.schema() + "; profile the window with the baseline's schema");
        }
        if (baseline.positiveClass().isPresent() && window.positiveClass().isPresent()
                && !baseline.positiveClass().equals(window.positiveClass())) {
            throw new io.mlops.api.InvalidArgumentException("the window's prediction.score is the probability of '"
                    + window.positiveClass().get() + "' but the baseline's of '" + baseline.positiveClass().get()
                    + "'; profile the window with monitoring().profilerLike(baseline)");
        }
        List<String> notes = new ArrayList<>();
        boolean enoughRows = window.rows() >= thresholds.minRows();
        if (!enoughRows) {
            notes.add(String.format(Locale.ROOT, "only %d rows in the window; at least %d are needed for a verdict",
                    window.rows(), thresholds.minRows()));
        }
        List<FeatureDrift> features = new ArrayList<>();
        List<FeatureDrift> prediction = new ArrayList<>();
        for (Map.Entry<String, FeatureSketch> e : baseline.sketches().entrySet()) {
            String name = e.getKey();
            boolean predicted = PredictionFeatures.reserved(name);
            FeatureSketch before = e.getValue();
            if (predicted && before.count() == 0) {
                continue; // the baseline was profiled without predictions
            }
            FeatureDrift drift = feature(name, before, window.sketch(name), thresholds, enoughRows);
            (predicted ? prediction : features).add(drift);
        }
        long tested = features.stream().filter(f -> !Double.isNaN(f.psi())).count();
        long drifted = features.stream().filter(FeatureDrift::drifted).count();
        double share = tested == 0 ? 0 : (double) drifted / tested;
        boolean datasetDrift = enoughRows && tested > 0 && share >= thresholds.driftedShare();
        DriftSeverity severity = DriftSeverity.NONE;
        for (FeatureDrift f : features) {
            severity = severity.max(f.severity());
        }
        for (FeatureDrift f : prediction) {
            severity = severity.max(f.severity());
        }
        if (performance.map(PerformanceWindow::degraded).orElse(false)) {
            severity = DriftSeverity.ALERT;
        }
        notes.addAll(extraNotes);
        return new DriftReport(model, version, windowStart, windowEnd, baseline.rows(), window.rows(), features, prediction,
                share, datasetDrift, severity, performance, thresholds, notes, createdAt);
    }

    static FeatureDrift feature(String name, FeatureSketch baseline, FeatureSketch window, DriftThresholds thresholds,
            boolean judge) {
        double baselineMissing = missingShare(baseline);
        double windowMissing = missingShare(window);
        boolean numeric = baseline instanceof NumericSketch;
        String test = numeric ? KOLMOGOROV_SMIRNOV : CHI_SQUARED;
        long baselineRows = baseline.count() + baseline.missing();
        long windowRows = window.count() + window.missing();
        if (baselineRows == 0 || windowRows == 0 || (baseline.count() == 0 && window.count() == 0)) {
            // No rows on a side, or no value on either: nothing to compare.
            return new FeatureDrift(name, baseline.kind(), baseline.count(), window.count(), baselineMissing, windowMissing,
                    Double.NaN, Double.NaN, test, Double.NaN, Double.NaN, DriftSeverity.NONE, List.of());
        }
        Binned binned;
        if (baseline.count() == 0) {
            // Always missing in training, arriving now: only presence can be compared.
            binned = new Binned(List.of(PRESENT), new double[] {0}, new double[] {1}, new long[] {0}, new long[] {window.count()});
        } else {
            binned = numeric
                    ? numericBins(((NumericSketch) baseline).sketch(), ((NumericSketch) window).sketch())
                    : categoricalBins((CategoricalSketch) baseline, (CategoricalSketch) window);
        }
        binned = withMissing(binned, baseline, window, baselineMissing, windowMissing);
        double psi = DriftStatistics.populationStabilityIndex(binned.baseline(), binned.window(), EPSILON);
        double js = DriftStatistics.jensenShannonDistance(binned.baseline(), binned.window());
        double statistic;
        double pValue;
        if (numeric && baseline.count() > 0) {
            KllDoublesSketch before = ((NumericSketch) baseline).sketch();
            KllDoublesSketch after = ((NumericSketch) window).sketch();
            if (after.isEmpty()) {
                statistic = Double.NaN;
                pValue = 1.0;
            } else {
                statistic = largestCdfGap(before, after);
                double sketchError = rankError(before) + rankError(after);
                pValue = DriftStatistics.kolmogorovSmirnovPValue(Math.max(0, statistic - sketchError), before.getN(), after.getN());
            }
            // KS sees only the values present; how often the feature is missing is tested on its own, and the
            // two p-values are combined conservatively (Bonferroni), so that testing twice finds no more by chance.
            double missingP = missingShareP(baseline, window);
            if (!Double.isNaN(missingP)) {
                pValue = Math.min(1.0, 2 * Math.min(pValue, missingP));
            }
        } else {
            long[][] table = testable(binned.baselineCounts(), binned.windowCounts());
            if (table[0].length < 2) {
                statistic = Double.NaN;
                pValue = 1.0; // too few rows in every cell to test anything
            } else {
                statistic = DriftStatistics.chiSquaredStatistic(table[0], table[1]);
                pValue = DriftStatistics.chiSquaredPValue(statistic,
                        DriftStatistics.chiSquaredDegreesOfFreedom(table[0], table[1]));
            }
        }
        DriftSeverity severity = DriftSeverity.NONE;
        if (judge && pValue < thresholds.pValue()) {
            if (psi >= thresholds.psiAlert()) {
                severity = DriftSeverity.ALERT;
            } else if (psi >= thresholds.psiWarning()) {
                severity = DriftSeverity.WARNING;
            }
        }
        // A window too small for a verdict shows no bins: with a handful of rows they would show individual customers.
        List<BinShare> bins = new ArrayList<>(binned.labels().size());
        for (int i = 0; judge && i < binned.labels().size(); i++) {
            bins.add(new BinShare(binned.labels().get(i), binned.baseline()[i], binned.window()[i]));
        }
        return new FeatureDrift(name, baseline.kind(), baseline.count(), window.count(), baselineMissing, windowMissing, psi, js,
                test, statistic, pValue, severity, bins);
    }

    /**
     * The p-value of "the missing share is the same", a chi-squared test on the 2×2 table of present
     * and missing counts; NaN when no value is missing, or when an expected count is below
     * {@value #MIN_EXPECTED}, where the test's approximation fails (one missing value in a small
     * window would otherwise read as certain drift).
     */
    private static double missingShareP(FeatureSketch baseline, FeatureSketch window) {
        if (baseline.missing() == 0 && window.missing() == 0) {
            return Double.NaN;
        }
        long[] before = {baseline.count(), baseline.missing()};
        long[] after = {window.count(), window.missing()};
        long[][] table = testable(before, after);
        if (table[0].length < 2) {
            return Double.NaN;
        }
        return DriftStatistics.chiSquaredPValue(DriftStatistics.chiSquaredStatistic(before, after), 1);
    }

    /**
     * The columns of a 2×K table whose expected counts are all at least {@value #MIN_EXPECTED}, the
     * rest pooled into one column (dropped if that one is still too small): chi-squared's
     * approximation holds only with such counts.
     */
    static long[][] testable(long[] before, long[] after) {
        long beforeTotal = 0;
        long afterTotal = 0;
        for (int i = 0; i < before.length; i++) {
            beforeTotal += before[i];
            afterTotal += after[i];
        }
        double total = (double) beforeTotal + afterTotal;
        List<long[]> kept = new ArrayList<>();
        long[] pooled = new long[2];
        for (int i = 0; i < before.length; i++) {
            double column = before[i] + after[i];
            double smallerExpected = column * Math.min(beforeTotal, afterTotal) / total;
            if (smallerExpected >= MIN_EXPECTED) {
                kept.add(new long[] {before[i], after[i]});
            } else {
                pooled[0] += before[i];
                pooled[1] += after[i];
            }
        }
        if ((pooled[0] + pooled[1]) * Math.min(beforeTotal, afterTotal) / total >= MIN_EXPECTED) {
            kept.add(pooled);
        }
        long[][] table = new long[2][kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            table[0][i] = kept.get(i)[0];
            table[1][i] = kept.get(i)[1];
        }
        return table;
    }

    /**
     * The bins as shares of all rows rather than of the values present, plus a {@value #MISSING}
     * bin when either side has missing values: a feature that stops arriving (a renamed column, a
     * broken upstream system) is drift, whatever its values were.
     */
    private static Binned withMissing(Binned present, FeatureSketch baseline, FeatureSketch window,
            double baselineMissing, double windowMissing) {
        if (baseline.missing() == 0 && window.missing() == 0) {
            return present;
        }
        int n = present.labels().size();
        List<String> labels = new ArrayList<>(present.labels());
        labels.add(MISSING);
        double[] before = new double[n + 1];
        double[] after = new double[n + 1];
        long[] beforeCounts = java.util.Arrays.copyOf(present.baselineCounts(), n + 1);
        long[] afterCounts = java.util.Arrays.copyOf(present.windowCounts(), n + 1);
        double beforePresent = 1 - baselineMissing;
        double afterPresent = 1 - windowMissing;
        for (int i = 0; i < n; i++) {
            before[i] = present.baseline()[i] * beforePresent;
            after[i] = present.window()[i] * afterPresent;
        }
        before[n] = baselineMissing;
        after[n] = windowMissing;
        beforeCounts[n] = baseline.missing();
        afterCounts[n] = window.missing();
        return new Binned(labels, before, after, beforeCounts, afterCounts);
    }

    private static double missingShare(FeatureSketch sketch) {
        long all = sketch.count() + sketch.missing();
        return all == 0 ? 0 : (double) sketch.missing() / all;
    }

    /** Zero while a sketch still holds every value (it has not compacted), so small windows are tested exactly. */
    private static double rankError(KllDoublesSketch sketch) {
        return sketch.isEstimationMode() ? sketch.getNormalizedRankError(false) : 0;
    }

    private record Binned(List<String> labels, double[] baseline, double[] window, long[] baselineCounts, long[] windowCounts) {
    }

    private static Binned numericBins(KllDoublesSketch baseline, KllDoublesSketch window) {
        double[] ranks = new double[NUMERIC_BINS - 1];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = (i + 1) / (double) NUMERIC_BINS;
        }
        // Deduplicated and sorted: a feature with few distinct values (0/1, a small count) has repeated deciles.
        double[] edges = new TreeSet<>(boxed(baseline.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE)))
                .stream().mapToDouble(Double::doubleValue).toArray();
        double[] below = baseline.getCDF(edges, QuantileSearchCriteria.EXCLUSIVE);
        double[] upTo = baseline.getCDF(edges, QuantileSearchCriteria.INCLUSIVE);
        // Boundaries between bins, as (value, inclusive): a bin ends at x inclusive, or just below x.
        // An edge holding a large share of the baseline on its own (pdays = 999 for 96% of clients)
        // becomes a bin of its own, so that moves among the remaining values still show.
        List<double[]> boundaries = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        String low = "-inf";
        for (int i = 0; i < edges.length; i++) {
            String edge = number(edges[i]);
            if (upTo[i] - below[i] >= POINT_MASS) {
                boundaries.add(new double[] {edges[i], 0});
                labels.add("(" + low + ", " + edge + ")");
                boundaries.add(new double[] {edges[i], 1});
                labels.add("= " + edge);
            } else {
                boundaries.add(new double[] {edges[i], 1});
                labels.add("(" + low + ", " + edge + "]");
            }
            low = edge;
        }
        labels.add("(" + low + ", +inf)");
        double[] before = shares(baseline, boundaries);
        double[] after = shares(window, boundaries);
        // Bins empty on both sides (values below a non-negative feature's minimum) only clutter the report.
        List<String> keptLabels = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            if (before[i] > 0 || after[i] > 0) {
                keptLabels.add(labels.get(i));
                kept.add(i);
            }
        }
        double[] keptBefore = kept.stream().mapToDouble(i -> before[i]).toArray();
        double[] keptAfter = kept.stream().mapToDouble(i -> after[i]).toArray();
        return new Binned(keptLabels, keptBefore, keptAfter, counts(keptBefore, baseline.getN()), counts(keptAfter, window.getN()));
    }

    /** Shares of a sketch's values between consecutive boundaries (value, 1 = up to it inclusive, 0 = below it). */
    private static double[] shares(KllDoublesSketch sketch, List<double[]> boundaries) {
        double[] shares = new double[boundaries.size() + 1];
        if (sketch.isEmpty()) {
            return shares; // every value missing: the missing bin holds them
        }
        double previous = 0;
        for (int i = 0; i < boundaries.size(); i++) {
            double[] b = boundaries.get(i);
            double cdf = sketch.getRank(b[0], b[1] == 1 ? QuantileSearchCriteria.INCLUSIVE : QuantileSearchCriteria.EXCLUSIVE);
            shares[i] = Math.max(0, cdf - previous);
            previous = Math.max(previous, cdf);
        }
        shares[boundaries.size()] = Math.max(0, 1 - previous);
        return shares;
    }

    private static long[] counts(double[] shares, long n) {
        long[] counts = new long[shares.length];
        for (int i = 0; i < shares.length; i++) {
            counts[i] = Math.round(shares[i] * n);
        }
        return counts;
    }

    private static List<Double> boxed(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }

    static double largestCdfGap(KllDoublesSketch baseline, KllDoublesSketch window) {
        TreeSet<Double> points = new TreeSet<>();
        double[] ranks = new double[KS_POINTS + 1];
        for (int i = 0; i <= KS_POINTS; i++) {
            ranks[i] = i / (double) KS_POINTS;
        }
        points.addAll(boxed(baseline.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE)));
        points.addAll(boxed(window.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE)));
        double[] at = points.stream().mapToDouble(Double::doubleValue).toArray();
        double[] before = baseline.getCDF(at, QuantileSearchCriteria.INCLUSIVE);
        double[] after = window.getCDF(at, QuantileSearchCriteria.INCLUSIVE);
        double gap = 0;
        for (int i = 0; i < at.length; i++) {
            gap = Math.max(gap, Math.abs(before[i] - after[i]));
        }
        return gap;
    }

    private static Binned categoricalBins(CategoricalSketch baseline, CategoricalSketch window) {
        Map<String, Long> before = baseline.counts();
        Map<String, Long> after = window.counts();
        Map<String, long[]> joint = new LinkedHashMap<>();
        before.forEach((v, n) -> joint.computeIfAbsent(v, k -> new long[2])[0] = n);
        after.forEach((v, n) -> joint.computeIfAbsent(v, k -> new long[2])[1] = n);
        List<Map.Entry<String, long[]>> ordered = new ArrayList<>(joint.entrySet());
        // By the larger of a value's two shares, so that a value new in the window competes for a bin of
        // its own with the baseline's frequent ones instead of hiding in (other); ties by value, for stable reports.
        double beforeTotal = Math.max(1, baseline.count());
        double afterTotal = Math.max(1, window.count());
        ordered.sort(Comparator.<Map.Entry<String, long[]>>comparingDouble(
                        e -> -Math.max(e.getValue()[0] / beforeTotal, e.getValue()[1] / afterTotal))
                .thenComparing(Map.Entry::getKey));
        List<String> labels = new ArrayList<>();
        List<long[]> rows = new ArrayList<>();
        long keptBefore = 0;
        long keptAfter = 0;
        for (Map.Entry<String, long[]> e : ordered) {
            if (labels.size() == MAX_CATEGORIES) {
                break;
            }
            labels.add(e.getKey());
            rows.add(e.getValue());
            keptBefore += e.getValue()[0];
            keptAfter += e.getValue()[1];
        }
        // Whatever the kept categories do not cover (rare values, or what a frequent-items sketch cannot vouch for).
        long otherBefore = Math.max(0, baseline.count() - keptBefore);
        long otherAfter = Math.max(0, window.count() - keptAfter);
        if (otherBefore > 0 || otherAfter > 0) {
            labels.add(OTHER);
            rows.add(new long[] {otherBefore, otherAfter});
        }
        long[] beforeCounts = new long[rows.size()];
        long[] afterCounts = new long[rows.size()];
        double[] beforeShares = new double[rows.size()];
        double[] afterShares = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            beforeCounts[i] = rows.get(i)[0];
            afterCounts[i] = rows.get(i)[1];
            beforeShares[i] = baseline.count() == 0 ? 0 : (double) beforeCounts[i] / baseline.count();
            afterShares[i] = window.count() == 0 ? 0 : (double) afterCounts[i] / window.count();
        }
        return new Binned(labels, beforeShares, afterShares, beforeCounts, afterCounts);
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.4g", value);
    }
}
