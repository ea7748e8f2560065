package io.mlops.core.internal.monitoring;

/**
 * The numbers behind drift and quality monitoring: distribution distances, the tests' p-values and
 * the area under the ROC curve, computed from binned summaries so that a monitor never has to keep
 * raw samples. Pure functions of their arguments; no state, no dependencies beyond the JDK.
 *
 * <p>Invalid arguments fail with an {@link IllegalArgumentException} that quotes the offending value
 * and states what is accepted. Inputs that are valid but carry no information (an empty
 * distribution, a class with no examples) give {@code NaN} instead, so that a monitor can report
 * "not enough data" rather than fail.
 */
public final class DriftStatistics {

    private static final double LN_2 = Math.log(2.0);
    private static final double HALF_LN_2_PI = 0.5 * Math.log(2.0 * Math.PI);
    private static final double SQRT_2_PI = Math.sqrt(2.0 * Math.PI);
    private static final double PI_SQUARED_OVER_8 = Math.PI * Math.PI / 8.0;

    /**
     * Below this λ the alternating Kolmogorov series does not converge in floating point, and the
     * true value differs from 1 by far less than a double can show.
     */
    private static final double KOLMOGOROV_LAMBDA_FLOOR = 0.001;

    /**
     * Where the two representations of Q_KS trade places: below it the alternating series needs
     * ever more terms (about 1/λ) and loses digits to cancellation, while the Jacobi-transformed
     * series needs two or three; above it the roles swap.
     */
    private static final double KOLMOGOROV_SERIES_SWITCH = 1.18;

    /** Relative size at which a further term can no longer change a double sum. */
    private static final double NEGLIGIBLE = 1e-17;

    /** Convergence tolerance of the incomplete gamma expansions, near double precision. */
    private static final double GAMMA_EPSILON = 1e-16;

    /** Keeps Lentz's algorithm away from a division by zero without disturbing the result. */
    private static final double LENTZ_TINY = 1e-300;

    /**
     * Both gamma expansions converge in O(sqrt(a)) steps; this bound is far above any degrees of
     * freedom a monitor produces, and only stops a runaway loop.
     */
    private static final int GAMMA_MAX_ITERATIONS = 100_000;

    /** Lanczos approximation, g = 7, n = 9: about 1e-15 relative error in Γ for x >= 0.5. */
    private static final double LANCZOS_G = 7.0;
    private static final double[] LANCZOS_COEFFICIENTS = {
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    };

    private DriftStatistics() {
    }

    /**
     * Population stability index, {@code PSI = Σ (w − b) · ln(w / b)}, where every share below
     * {@code epsilon} counts as {@code epsilon}.
     *
     * @param baselineShares share of the baseline in each bin, finite and >= 0
     * @param windowShares share of the window in each bin, same length as the baseline
     * @param epsilon floor for a share, > 0; an empty bin would otherwise make the index infinite
     * @return the index, >= 0 when both arguments sum to the same total
     */
    public static double populationStabilityIndex(double[] baselineShares, double[] windowShares, double epsilon) {
        requireSameLength("baselineShares", baselineShares, "windowShares", windowShares);
        requireShares("baselineShares", baselineShares);
        requireShares("windowShares", windowShares);
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
        }
        double index = 0.0;
        for (int bin = 0; bin < baselineShares.length; bin++) {
            double baseline = Math.max(baselineShares[bin], epsilon);
            double window = Math.max(windowShares[bin], epsilon);
            index += (window - baseline) * Math.log(window / baseline);
        }
        return index;
    }

    /**
     * Jensen–Shannon distance, {@code sqrt(JSD)} with
     * {@code JSD = ½ Σ p·log2(p/m) + ½ Σ q·log2(q/m)} and {@code m = (p + q) / 2}, after each input
     * is divided by its own sum (so counts and shares both work). Base-2 logarithms bound the
     * result to [0, 1]: 0 for equal distributions, 1 for disjoint ones.
     *
     * @param p counts or shares per bin, finite and >= 0
     * @param q counts or shares per bin, same length as {@code p}
     * @return the distance in [0, 1], or NaN when either input sums to 0
     */
    public static double jensenShannonDistance(double[] p, double[] q) {
        requireSameLength("p", p, "q", q);
        requireShares("p", p);
        requireShares("q", q);
        double pTotal = sum(p);
        double qTotal = sum(q);
        if (pTotal == 0.0 || qTotal == 0.0) {
            return Double.NaN;
        }
        double twiceDivergenceInNats = 0.0;
        for (int bin = 0; bin < p.length; bin++) {
            double pShare = p[bin] / pTotal;
            double qShare = q[bin] / qTotal;
            double mixture = 0.5 * (pShare + qShare);
            // 0 · log 0 is taken as its limit, 0; a zero share also keeps log's argument off 0.
            if (pShare > 0.0) {
                twiceDivergenceInNats += pShare * Math.log(pShare / mixture);
            }
            if (qShare > 0.0) {
                twiceDivergenceInNats += qShare * Math.log(qShare / mixture);
            }
        }
        double divergenceInBits = 0.5 * twiceDivergenceInNats / LN_2;
        // Rounding can push an exact 0 or 1 a few ulps outside, where sqrt would give NaN or > 1.
        return Math.sqrt(Math.min(1.0, Math.max(0.0, divergenceInBits)));
    }

    /**
     * Asymptotic p-value of the two-sample Kolmogorov–Smirnov test:
     * {@code Q_KS((en + 0.12 + 0.11/en) · D)} with {@code en = sqrt(n·m / (n + m))} and
     * {@code Q_KS(λ) = 2 Σ_{j>=1} (−1)^(j−1) exp(−2 j² λ²)} (Stephens' small-sample correction).
     *
     * @param statistic the KS statistic D, the largest gap between the two empirical CDFs, in [0, 1]
     * @param baselineCount n, the baseline sample size, > 0
     * @param windowCount m, the window sample size, > 0
     * @return the probability, in [0, 1], of a gap at least this large if both samples share one
     *     distribution
     */
    public static double kolmogorovSmirnovPValue(double statistic, double baselineCount, double windowCount) {
        if (!(statistic >= 0.0 && statistic <= 1.0)) {
            throw new IllegalArgumentException("statistic (D) must be in [0, 1], got " + statistic);
        }
        requirePositiveCount("baselineCount", baselineCount);
        requirePositiveCount("windowCount", windowCount);
        // n·m/(n+m) written as 1/(1/n + 1/m) cannot overflow for huge counts.
        double effectiveCount = Math.sqrt(1.0 / (1.0 / baselineCount + 1.0 / windowCount));
        double lambda = (effectiveCount + 0.12 + 0.11 / effectiveCount) * statistic;
        return kolmogorovQ(lambda);
    }

    /**
     * Kolmogorov's survival function {@code Q_KS(λ) = 2 Σ_{j>=1} (−1)^(j−1) exp(−2 j² λ²)}, clamped
     * to [0, 1]. For small λ the same function is evaluated through its Jacobi theta transform,
     * {@code 1 − (sqrt(2π)/λ) Σ_{j>=1} exp(−(2j−1)² π² / (8 λ²))}, which converges fast exactly
     * where the alternating series is slow.
     */
    static double kolmogorovQ(double lambda) {
        if (Double.isNaN(lambda)) {
            return Double.NaN;
        }
        if (lambda < KOLMOGOROV_LAMBDA_FLOOR) {
            return 1.0;
        }
        double q;
        if (lambda < KOLMOGOROV_SERIES_SWITCH) {
            double exponentScale = -PI_SQUARED_OVER_8 / (lambda * lambda);
            double cdfSeries = 0.0;
            for (int j = 1; ; j++) {
                int odd = 2 * j - 1;
                double term = Math.exp(exponentScale * odd * odd);
                cdfSeries += term;
                if (term <= NEGLIGIBLE * cdfSeries) {
                    break;
                }
            }
            q = 1.0 - SQRT_2_PI / lambda * cdfSeries;
        } else {
            double exponentScale = -2.0 * lambda * lambda;
            double alternatingSeries = 0.0;
            double sign = 1.0;
            for (int j = 1; ; j++) {
                double term = Math.exp(exponentScale * j * j);
                alternatingSeries += sign * term;
                if (term <= NEGLIGIBLE * alternatingSeries) {
                    break;
                }
                sign = -sign;
            }
            q = 2.0 * alternatingSeries;
        }
        return Math.min(1.0, Math.max(0.0, q));
    }

    /**
     * Pearson's chi-squared statistic for homogeneity of a 2×K table, {@code Σ (O − E)² / E} with
     * {@code E = rowTotal · columnTotal / grandTotal}. Categories empty in both rows are skipped: they
     * carry no evidence and would give 0/0.
     *
     * @param baselineCounts counts per category in the baseline, >= 0
     * @param windowCounts counts per category in the window, same length as the baseline
     * @return the statistic, >= 0, or NaN when either row is empty (homogeneity is then undefined)
     */
    public static double chiSquaredStatistic(long[] baselineCounts, long[] windowCounts) {
        requireSameLength("baselineCounts", baselineCounts, "windowCounts", windowCounts);
        long baselineTotal = total("baselineCounts", baselineCounts);
        long windowTotal = total("windowCounts", windowCounts);
        if (baselineTotal == 0 || windowTotal == 0) {
            return Double.NaN;
        }
        // Totals exceed 2^53 only for absurd counts; doubles keep the products from overflowing long.
        double grandTotal = (double) baselineTotal + (double) windowTotal;
        double baselineFraction = baselineTotal / grandTotal;
        double windowFraction = windowTotal / grandTotal;
        double statistic = 0.0;
        for (int category = 0; category < baselineCounts.length; category++) {
            double columnTotal = (double) baselineCounts[category] + (double) windowCounts[category];
            if (columnTotal == 0.0) {
                continue;
            }
            double baselineDeviation = baselineCounts[category] - baselineFraction * columnTotal;
            double windowDeviation = windowCounts[category] - windowFraction * columnTotal;
            statistic += baselineDeviation * baselineDeviation / (baselineFraction * columnTotal)
                    + windowDeviation * windowDeviation / (windowFraction * columnTotal);
        }
        return statistic;
    }

    /**
     * Degrees of freedom of {@link #chiSquaredStatistic}: {@code (rows − 1)(columns − 1)} with two
     * rows, that is the number of categories non-empty in at least one row, minus 1, and at least 0.
     */
    public static int chiSquaredDegreesOfFreedom(long[] baselineCounts, long[] windowCounts) {
        requireSameLength("baselineCounts", baselineCounts, "windowCounts", windowCounts);
        requireCounts("baselineCounts", baselineCounts);
        requireCounts("windowCounts", windowCounts);
        int nonEmptyCategories = 0;
        for (int category = 0; category < baselineCounts.length; category++) {
            if (baselineCounts[category] != 0 || windowCounts[category] != 0) {
                nonEmptyCategories++;
            }
        }
        return Math.max(0, nonEmptyCategories - 1);
    }

    /**
     * Upper-tail p-value of a chi-squared statistic, {@code P(χ²_df >= x) = Q(df/2, x/2)}.
     *
     * @param statistic x, >= 0 (+∞ gives 0); NaN, as from an undefined statistic, gives NaN
     * @param degreesOfFreedom df, >= 0; 0 gives 1, since a single category can show no difference
     */
    public static double chiSquaredPValue(double statistic, int degreesOfFreedom) {
        if (degreesOfFreedom < 0) {
            throw new IllegalArgumentException("degreesOfFreedom must be >= 0, got " + degreesOfFreedom);
        }
        if (Double.isNaN(statistic)) {
            return Double.NaN;
        }
        if (statistic < 0.0) {
            throw new IllegalArgumentException("statistic must be >= 0, got " + statistic);
        }
        if (degreesOfFreedom == 0) {
            return 1.0;
        }
        return regularizedGammaQ(0.5 * degreesOfFreedom, 0.5 * statistic);
    }

    /**
     * Upper regularized incomplete gamma function, {@code Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x)}.
     * For {@code x < a + 1} it is {@code 1 − P} with P from its power series, elsewhere the
     * continued fraction for Q (modified Lentz); each is used where it converges fast and where the
     * quantity it gives directly is not the one lost to cancellation.
     *
     * @param a shape, finite and > 0
     * @param x lower limit of integration, >= 0 (+∞ gives 0)
     * @return Q(a, x) in [0, 1], to about 1e-10 relative accuracy
     */
    public static double regularizedGammaQ(double a, double x) {
        if (!(a > 0.0) || Double.isInfinite(a)) {
            throw new IllegalArgumentException("a (shape) must be finite and > 0, got " + a);
        }
        if (!(x >= 0.0)) {
            throw new IllegalArgumentException("x must be >= 0, got " + x);
        }
        if (x == 0.0) {
            return 1.0;
        }
        if (Double.isInfinite(x)) {
            return 0.0;
        }
        double q = x < a + 1.0 ? 1.0 - lowerGammaSeries(a, x) : upperGammaContinuedFraction(a, x);
        return Math.min(1.0, Math.max(0.0, q));
    }

    /**
     * Area under the ROC curve from score histograms:
     * {@code AUC = Σ_k (negatives below bin k · positives in k + ½ · positives in k · negatives in k)
     * / (P · N)}, that is the probability that a random positive outscores a random negative, ties
     * counting half.
     *
     * @param positivesByBin positives per score bin, bins in ascending score order, >= 0
     * @param negativesByBin negatives per score bin, same bins
     * @return the area in [0, 1], or NaN when there are no positives or no negatives
     */
    public static double areaUnderRoc(long[] positivesByBin, long[] negativesByBin) {
        requireSameLength("positivesByBin", positivesByBin, "negativesByBin", negativesByBin);
        long positives = total("positivesByBin", positivesByBin);
        long negatives = total("negativesByBin", negativesByBin);
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        // Products of two counts reach 1e18 per bin at 1e9 per count and their sum exceeds long,
        // so they are formed in double; the running total of negatives stays an exact long.
        long negativesBelow = 0;
        double concordantPairs = 0.0;
        for (int bin = 0; bin < positivesByBin.length; bin++) {
            double positivesHere = positivesByBin[bin];
            concordantPairs += positivesHere * negativesBelow + 0.5 * positivesHere * negativesByBin[bin];
            negativesBelow += negativesByBin[bin];
        }
        double area = concordantPairs / ((double) positives * (double) negatives);
        return Math.min(1.0, Math.max(0.0, area));
    }

    /** {@code ln Γ(x)} for x > 0, by the Lanczos approximation and, below ½, the reflection formula. */
    static double logGamma(double x) {
        if (x < 0.5) {
            // The Lanczos sum loses accuracy near 0; Γ(x)Γ(1−x) = π / sin(πx) moves the work to 1−x.
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1.0 - x);
        }
        double shifted = x - 1.0;
        double series = LANCZOS_COEFFICIENTS[0];
        for (int k = 1; k < LANCZOS_COEFFICIENTS.length; k++) {
            series += LANCZOS_COEFFICIENTS[k] / (shifted + k);
        }
        double t = shifted + LANCZOS_G + 0.5;
        return HALF_LN_2_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
    }

    /** P(a, x) = e^{−x} x^a / Γ(a) · Σ_{n>=0} x^n / (a (a+1) … (a+n)); converges fast for x < a + 1. */
    private static double lowerGammaSeries(double a, double x) {
        double denominator = a;
        double term = 1.0 / a;
        double series = term;
        for (int n = 1; n <= GAMMA_MAX_ITERATIONS; n++) {
            denominator += 1.0;
            term *= x / denominator;
            series += term;
            if (Math.abs(term) < Math.abs(series) * GAMMA_EPSILON) {
                return series * Math.exp(-x + a * Math.log(x) - logGamma(a));
            }
        }
        throw notConverged(a, x);
    }

    /**
     * Q(a, x) = e^{−x} x^a / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))), evaluated by the
     * modified Lentz method; converges fast for x >= a + 1.
     */
    private static double upperGammaContinuedFraction(double a, double x) {
        double b = x + 1.0 - a;
        double c = 1.0 / LENTZ_TINY;
        double d = 1.0 / b;
        double fraction = d;
        for (int i = 1; i <= GAMMA_MAX_ITERATIONS; i++) {
            double an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            if (Math.abs(d) < LENTZ_TINY) {
                d = LENTZ_TINY;
            }
            c = b + an / c;
            if (Math.abs(c) < LENTZ_TINY) {
                c = LENTZ_TINY;
            }
            d = 1.0 / d;
            double delta = d * c;
            fraction *= delta;
            if (Math.abs(delta - 1.0) < GAMMA_EPSILON) {
                return fraction * Math.exp(-x + a * Math.log(x) - logGamma(a));
            }
        }
        throw notConverged(a, x);
    }

    private static ArithmeticException notConverged(double a, double x) {
        return new ArithmeticException("incomplete gamma did not converge for a=" + a + ", x=" + x);
    }

    private static void requireSameLength(String firstName, double[] first, String secondName, double[] second) {
        requireNonNull(firstName, first);
        requireNonNull(secondName, second);
        requireSameLength(firstName, first.length, secondName, second.length);
    }

    private static void requireSameLength(String firstName, long[] first, String secondName, long[] second) {
        requireNonNull(firstName, first);
        requireNonNull(secondName, second);
        requireSameLength(firstName, first.length, secondName, second.length);
    }

    private static void requireSameLength(String firstName, int firstLength, String secondName, int secondLength) {
        if (firstLength != secondLength || firstLength == 0) {
            throw new IllegalArgumentException(firstName + " and " + secondName
                    + " must have the same length, at least 1, got " + firstLength + " and " + secondLength);
        }
    }

    private static void requireNonNull(String name, Object array) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must be an array, got null");
        }
    }

    private static void requireShares(String name, double[] values) {
        for (int i = 0; i < values.length; i++) {
            double value = values[i];
            if (!(value >= 0.0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] must be finite and >= 0, got " + value);
            }
        }
    }

    private static void requireCounts(String name, long[] counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException(name + "[" + i + "] must be >= 0, got " + counts[i]);
            }
        }
    }

    private static void requirePositiveCount(String name, double count) {
        if (!(count > 0.0) || Double.isInfinite(count)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + count);
        }
    }

    /** Validates and sums counts; an overflowing total is refused rather than wrapped. */
    private static long total(String name, long[] counts) {
        requireCounts(name, counts);
        long total = 0;
        for (long count : counts) {
            total += count;
            if (total < 0) {
                throw new IllegalArgumentException(
                        name + " must sum to at most " + Long.MAX_VALUE + ", the counts overflow");
            }
        }
        return total;
    }

    private static double sum(double[] values) {
        double total = 0.0;
        for (double value : values) {
            total += value;
        }
        return total;
    }
}
