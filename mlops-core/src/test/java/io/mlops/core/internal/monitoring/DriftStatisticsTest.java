package io.mlops.core.internal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reference checks of the drift statistics. Expected values are closed forms worked out by hand in
 * the comments, or published quantiles; the remaining few were cross-checked against SciPy
 * (scipy.special.kolmogorov, gammaincc, gammaln, scipy.spatial.distance.jensenshannon).
 */
class DriftStatisticsTest {

    // ---- population stability index ----

    @Test
    void psi_identicalShares_isZero() {
        double[] shares = {0.1, 0.2, 0.3, 0.4};

        assertThat(DriftStatistics.populationStabilityIndex(shares, shares.clone(), 1e-4)).isZero();
    }

    @Test
    void psi_twoBinShift_matchesHandComputation() {
        // (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.25·ln 2 + 0.25·ln 1.5 = 0.25·ln 3
        double psi = DriftStatistics.populationStabilityIndex(
                new double[] {0.5, 0.5}, new double[] {0.25, 0.75}, 1e-4);

        assertThat(psi).isCloseTo(0.25 * Math.log(3.0), within(1e-15));
    }

    @Test
    void psi_isSymmetricInBaselineAndWindow() {
        double[] baseline = {0.1, 0.6, 0.3};
        double[] window = {0.3, 0.3, 0.4};

        assertThat(DriftStatistics.populationStabilityIndex(baseline, window, 1e-4))
                .isCloseTo(DriftStatistics.populationStabilityIndex(window, baseline, 1e-4), within(1e-15));
    }

    @Test
    void psi_emptyBaselineBin_isFiniteAndFlooredAtEpsilon() {
        double[] baseline = {0.5, 0.5, 0.0};
        double[] window = {0.4, 0.4, 0.2};
        // The empty bin counts as epsilon: 2·(0.4 − 0.5)·ln(0.4/0.5) + (0.2 − ε)·ln(0.2/ε).
        double epsilon = 1e-4;
        double expected = 2 * (-0.1) * Math.log(0.8) + (0.2 - epsilon) * Math.log(0.2 / epsilon);

        double psi = DriftStatistics.populationStabilityIndex(baseline, window, epsilon);

        assertThat(psi).isFinite().isCloseTo(expected, within(1e-12));
        assertThat(DriftStatistics.populationStabilityIndex(baseline, window, 1e-3)).isLessThan(psi);
    }

    @Test
    void psi_invalidArguments_nameTheValue() {
        double[] valid = {0.5, 0.5};

        assertThatThrownBy(() -> DriftStatistics.populationStabilityIndex(valid, new double[] {0.5, -0.1}, 1e-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("windowShares[1]")
                .hasMessageContaining("-0.1")
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> DriftStatistics.populationStabilityIndex(new double[] {Double.NaN, 1}, valid, 1e-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baselineShares[0]")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> DriftStatistics.populationStabilityIndex(valid, valid, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon")
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> DriftStatistics.populationStabilityIndex(valid, new double[] {1.0}, 1e-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same length")
                .hasMessageContaining("2 and 1");
        assertThatThrownBy(() -> DriftStatistics.populationStabilityIndex(new double[0], new double[0], 1e-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> DriftStatistics.populationStabilityIndex(null, valid, 1e-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baselineShares")
                .hasMessageContaining("null");
    }

    // ---- Jensen–Shannon distance ----

    @Test
    void jensenShannon_identicalDistributions_isZero() {
        assertThat(DriftStatistics.jensenShannonDistance(new double[] {1, 2, 3}, new double[] {1, 2, 3})).isZero();
    }

    @Test
    void jensenShannon_disjointSupports_isOne() {
        assertThat(DriftStatistics.jensenShannonDistance(new double[] {1, 0, 0}, new double[] {0, 3, 7}))
                .isEqualTo(1.0);
    }

    @Test
    void jensenShannon_halfAgainstPoint_matchesHandComputation() {
        // p = (½, ½), q = (1, 0), m = (¾, ¼).
        // JSD = H(m) − (H(p) + H(q))/2 with H(m) = ¾·log2(4/3) + ¼·2 = 2 − ¾·log2 3, H(p) = 1, H(q) = 0,
        // so JSD = 1.5 − ¾·log2 3 ≈ 0.3112781245 and the distance is its square root ≈ 0.5579230453.
        double log2Of3 = Math.log(3.0) / Math.log(2.0);
        double expected = Math.sqrt(1.5 - 0.75 * log2Of3);

        assertThat(DriftStatistics.jensenShannonDistance(new double[] {0.5, 0.5}, new double[] {1.0, 0.0}))
                .isCloseTo(expected, within(1e-15))
                .isCloseTo(0.5579230452841438, within(1e-15));
    }

    @Test
    void jensenShannon_countsAreNormalisedLikeShares() {
        assertThat(DriftStatistics.jensenShannonDistance(new double[] {2, 2}, new double[] {50, 0}))
                .isCloseTo(DriftStatistics.jensenShannonDistance(new double[] {0.5, 0.5}, new double[] {1, 0}),
                        within(1e-15));
    }

    @Test
    void jensenShannon_isSymmetricAndMatchesReference() {
        double[] p = {1, 2, 3, 4};
        double[] q = {4, 3, 2, 1};

        double forward = DriftStatistics.jensenShannonDistance(p, q);

        assertThat(forward).isEqualTo(DriftStatistics.jensenShannonDistance(q, p));
        // scipy.spatial.distance.jensenshannon([1,2,3,4], [4,3,2,1], base=2)
        assertThat(forward).isCloseTo(0.3918681606471551, within(1e-14));
    }

    @Test
    void jensenShannon_emptyDistribution_isNaN() {
        assertThat(DriftStatistics.jensenShannonDistance(new double[] {0, 0}, new double[] {1, 1})).isNaN();
        assertThat(DriftStatistics.jensenShannonDistance(new double[] {1, 1}, new double[] {0, 0})).isNaN();
    }

    @Test
    void jensenShannon_negativeEntry_namesTheValue() {
        assertThatThrownBy(() -> DriftStatistics.jensenShannonDistance(new double[] {1, -2}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p[1]")
                .hasMessageContaining("-2.0");
        assertThatThrownBy(() -> DriftStatistics.jensenShannonDistance(
                        new double[] {1, 1}, new double[] {1, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q[1]")
                .hasMessageContaining("Infinity");
    }

    // ---- Kolmogorov–Smirnov ----

    @Test
    void kolmogorovQ_matchesReferenceValues() {
        assertThat(DriftStatistics.kolmogorovQ(1.0)).isCloseTo(0.26999967167735456, within(1e-14));
        // λ = 1.36 is the textbook 5% critical value.
        assertThat(DriftStatistics.kolmogorovQ(1.36)).isCloseTo(0.049485876755377876, within(1e-14));
        assertThat(DriftStatistics.kolmogorovQ(0.5)).isCloseTo(0.9639452436648751, within(1e-14));
        assertThat(DriftStatistics.kolmogorovQ(0.3)).isCloseTo(0.9999906941986655, within(1e-14));
        assertThat(DriftStatistics.kolmogorovQ(2.0)).isCloseTo(0.0006709252557796953, within(1e-16));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5, 0.8, 1.0, 1.17, 1.18, 1.19, 1.5, 2.5})
    void kolmogorovQ_agreesWithTheDefiningAlternatingSeries(double lambda) {
        assertThat(DriftStatistics.kolmogorovQ(lambda)).isCloseTo(alternatingSeries(lambda), within(1e-13));
    }

    @Test
    void kolmogorovQ_belowConvergenceFloor_isOne() {
        assertThat(DriftStatistics.kolmogorovQ(0.0)).isEqualTo(1.0);
        assertThat(DriftStatistics.kolmogorovQ(0.0005)).isEqualTo(1.0);
        assertThat(DriftStatistics.kolmogorovQ(0.01)).isEqualTo(1.0);
    }

    @Test
    void kolmogorovQ_decreasesWithLambda() {
        double previous = 1.0;
        for (double lambda = 0.05; lambda < 4.0; lambda += 0.05) {
            double q = DriftStatistics.kolmogorovQ(lambda);
            assertThat(q).as("Q_KS(%s)", lambda).isBetween(0.0, previous);
            previous = q;
        }
    }

    @Test
    void ksPValue_appliesTheEffectiveSampleSize() {
        // n = m = 200: en = sqrt(200·200/400) = 10, so λ = (10 + 0.12 + 0.011)·D.
        assertThat(DriftStatistics.kolmogorovSmirnovPValue(0.1, 200, 200))
                .isCloseTo(DriftStatistics.kolmogorovQ(10.131 * 0.1), within(1e-12));
        // D = 1/10.131 makes λ = 1.
        assertThat(DriftStatistics.kolmogorovSmirnovPValue(1 / 10.131, 200, 200))
                .isCloseTo(0.26999967167735456, within(1e-12));
    }

    @Test
    void ksPValue_extremes() {
        assertThat(DriftStatistics.kolmogorovSmirnovPValue(0.0, 1000, 50)).isEqualTo(1.0);
        assertThat(DriftStatistics.kolmogorovSmirnovPValue(0.5, 10_000, 10_000)).isZero();
    }

    @Test
    void ksPValue_invalidArguments_nameTheValue() {
        assertThatThrownBy(() -> DriftStatistics.kolmogorovSmirnovPValue(1.5, 10, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statistic")
                .hasMessageContaining("1.5")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> DriftStatistics.kolmogorovSmirnovPValue(Double.NaN, 10, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> DriftStatistics.kolmogorovSmirnovPValue(0.2, 0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baselineCount")
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> DriftStatistics.kolmogorovSmirnovPValue(0.2, 10, -3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("windowCount")
                .hasMessageContaining("-3.0");
    }

    // ---- chi-squared ----

    @Test
    void chiSquaredStatistic_twoByTwo_matchesHandComputation() {
        // Rows 30 and 70, columns 40 and 60, total 100: expected 12, 18 / 28, 42.
        // 4/12 + 4/18 + 4/28 + 4/42 = 21/63 + 14/63 + 9/63 + 6/63 = 50/63,
        // as also N·(ad − bc)² / (r1·r2·c1·c2) = 100·200² / (30·70·40·60) = 50/63.
        long[] baseline = {10, 20};
        long[] window = {30, 40};

        assertThat(DriftStatistics.chiSquaredStatistic(baseline, window)).isCloseTo(50.0 / 63.0, within(1e-14));
        assertThat(DriftStatistics.chiSquaredDegreesOfFreedom(baseline, window)).isEqualTo(1);
    }

    @Test
    void chiSquared_twoByThree_endToEnd() {
        // Rows 100 and 100, columns 50, 100, 50: expected 25, 50, 25 in each row.
        // (5²/25 + 0 + 5²/25) · 2 rows = 4, df = 2, and for df = 2 the tail is exp(−x/2) = e^−2.
        long[] baseline = {30, 50, 20};
        long[] window = {20, 50, 30};

        double statistic = DriftStatistics.chiSquaredStatistic(baseline, window);
        int df = DriftStatistics.chiSquaredDegreesOfFreedom(baseline, window);

        assertThat(statistic).isCloseTo(4.0, within(1e-13));
        assertThat(df).isEqualTo(2);
        assertThat(DriftStatistics.chiSquaredPValue(statistic, df)).isCloseTo(Math.exp(-2.0), within(1e-13));
    }

    @Test
    void chiSquared_categoryEmptyInBothRows_isSkipped() {
        long[] baseline = {10, 0, 20, 0};
        long[] window = {30, 0, 40, 0};

        assertThat(DriftStatistics.chiSquaredStatistic(baseline, window)).isCloseTo(50.0 / 63.0, within(1e-14));
        assertThat(DriftStatistics.chiSquaredDegreesOfFreedom(baseline, window)).isEqualTo(1);
    }

    @Test
    void chiSquared_sameProportions_isZero() {
        assertThat(DriftStatistics.chiSquaredStatistic(new long[] {10, 20, 30}, new long[] {20, 40, 60}))
                .isCloseTo(0.0, within(1e-12));
    }

    @Test
    void chiSquared_emptyRow_isNaN() {
        assertThat(DriftStatistics.chiSquaredStatistic(new long[] {0, 0}, new long[] {3, 4})).isNaN();
        assertThat(DriftStatistics.chiSquaredPValue(Double.NaN, 1)).isNaN();
    }

    @Test
    void chiSquaredDegreesOfFreedom_neverNegative() {
        assertThat(DriftStatistics.chiSquaredDegreesOfFreedom(new long[] {0, 0}, new long[] {0, 0})).isZero();
        assertThat(DriftStatistics.chiSquaredDegreesOfFreedom(new long[] {0, 5}, new long[] {0, 7})).isZero();
    }

    @Test
    void chiSquaredPValue_atPublishedCriticalValues() {
        // Upper 5% points of χ² with 1, 5 and 100 degrees of freedom.
        assertThat(DriftStatistics.chiSquaredPValue(3.841458820694124, 1)).isCloseTo(0.05, within(1e-9));
        assertThat(DriftStatistics.chiSquaredPValue(11.070497693516351, 5)).isCloseTo(0.05, within(1e-9));
        assertThat(DriftStatistics.chiSquaredPValue(124.34211340400407, 100)).isCloseTo(0.05, within(1e-9));
        assertThat(DriftStatistics.chiSquaredPValue(10.0, 3)).isCloseTo(0.01856613546, within(1e-10));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 1.0, 3.0, 7.5, 40.0})
    void chiSquaredPValue_twoDegreesOfFreedom_isExpOfMinusHalfX(double x) {
        assertThat(DriftStatistics.chiSquaredPValue(x, 2)).isCloseTo(Math.exp(-x / 2), within(1e-14));
    }

    @Test
    void chiSquaredPValue_edgeCases() {
        assertThat(DriftStatistics.chiSquaredPValue(0.0, 0)).isEqualTo(1.0);
        assertThat(DriftStatistics.chiSquaredPValue(0.0, 4)).isEqualTo(1.0);
        assertThat(DriftStatistics.chiSquaredPValue(Double.POSITIVE_INFINITY, 4)).isZero();
    }

    @Test
    void chiSquared_invalidArguments_nameTheValue() {
        assertThatThrownBy(() -> DriftStatistics.chiSquaredStatistic(new long[] {1, 2}, new long[] {4, -3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("windowCounts[1]")
                .hasMessageContaining("-3");
        assertThatThrownBy(() -> DriftStatistics.chiSquaredDegreesOfFreedom(new long[] {1, 2}, new long[] {4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 and 1");
        assertThatThrownBy(() -> DriftStatistics.chiSquaredStatistic(
                        new long[] {Long.MAX_VALUE, 1}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baselineCounts")
                .hasMessageContaining("overflow");
        assertThatThrownBy(() -> DriftStatistics.chiSquaredPValue(-1.0, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statistic")
                .hasMessageContaining("-1.0");
        assertThatThrownBy(() -> DriftStatistics.chiSquaredPValue(1.0, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("degreesOfFreedom")
                .hasMessageContaining("-2");
    }

    // ---- regularized incomplete gamma ----

    @ParameterizedTest
    @ValueSource(doubles = {1e-6, 0.1, 0.5, 1.0, 1.999, 2.0, 2.001, 5.0, 30.0, 200.0})
    void gammaQ_shapeOne_isExpOfMinusX(double x) {
        // Q(1, x) = ∫_x^∞ e^−t dt = e^−x; x = 2 = a + 1 is where series and continued fraction meet.
        assertRelativelyClose(DriftStatistics.regularizedGammaQ(1.0, x), Math.exp(-x), 1e-10);
    }

    @Test
    void gammaQ_shapeHalf_isComplementaryErrorFunction() {
        // Q(½, x) = erfc(√x); erfc(√2) = 2·(1 − Φ(2)).
        assertRelativelyClose(DriftStatistics.regularizedGammaQ(0.5, 2.0), 0.04550026389635842, 1e-10);
    }

    @Test
    void gammaQ_integerShape_matchesPoissonSum() {
        // For integer n, Q(n, x) = e^−x · Σ_{k<n} x^k / k!.
        // Q(3, 2.5) = e^−2.5 · (1 + 2.5 + 3.125) uses the series (x < a + 1),
        // Q(3, 10) = e^−10 · (1 + 10 + 50) the continued fraction.
        assertRelativelyClose(DriftStatistics.regularizedGammaQ(3.0, 2.5), 6.625 * Math.exp(-2.5), 1e-10);
        assertRelativelyClose(DriftStatistics.regularizedGammaQ(3.0, 10.0), 61.0 * Math.exp(-10.0), 1e-10);
    }

    @Test
    void gammaQ_extremeShapesAndTails_matchReference() {
        // scipy.special.gammaincc
        assertRelativelyClose(DriftStatistics.regularizedGammaQ(100.0, 80.0), 0.9828916869648668, 1e-10);
        assertRelativelyClose(DriftStatistics.regularizedGammaQ(1e-3, 1.0), 0.0002196083575855568, 1e-10);
        assertRelativelyClose(DriftStatistics.regularizedGammaQ(30.0, 100.0), 5.893259698661661e-17, 1e-9);
    }

    @Test
    void gammaQ_isContinuousWhereTheMethodsSwitch() {
        double a = 3.5;
        double below = DriftStatistics.regularizedGammaQ(a, a + 1 - 1e-9);
        double above = DriftStatistics.regularizedGammaQ(a, a + 1 + 1e-9);

        assertThat(below - above).isBetween(0.0, 1e-9);
    }

    @Test
    void gammaQ_limits() {
        assertThat(DriftStatistics.regularizedGammaQ(2.5, 0.0)).isEqualTo(1.0);
        assertThat(DriftStatistics.regularizedGammaQ(2.5, Double.POSITIVE_INFINITY)).isZero();
        assertThat(DriftStatistics.regularizedGammaQ(2.5, 1e4)).isZero();
    }

    @Test
    void gammaQ_invalidArguments_nameTheValue() {
        assertThatThrownBy(() -> DriftStatistics.regularizedGammaQ(0.0, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a (shape)")
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> DriftStatistics.regularizedGammaQ(1.0, -1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x must be >= 0")
                .hasMessageContaining("-1.0");
    }

    @Test
    void logGamma_matchesKnownValues() {
        assertThat(DriftStatistics.logGamma(1.0)).isCloseTo(0.0, within(1e-15));
        assertThat(DriftStatistics.logGamma(2.0)).isCloseTo(0.0, within(1e-15));
        // Γ(½) = √π, Γ(10) = 9! = 362880
        assertThat(DriftStatistics.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-14));
        assertThat(DriftStatistics.logGamma(10.0)).isCloseTo(Math.log(362880.0), within(1e-13));
        // scipy.special.gammaln
        assertThat(DriftStatistics.logGamma(100.0)).isCloseTo(359.1342053695754, within(1e-11));
        assertThat(DriftStatistics.logGamma(1e-5)).isCloseTo(11.512919692895826, within(1e-12));
    }

    // ---- area under the ROC curve ----

    @Test
    void auc_perfectSeparation_isOne() {
        assertThat(DriftStatistics.areaUnderRoc(new long[] {0, 0, 5}, new long[] {3, 0, 0})).isEqualTo(1.0);
    }

    @Test
    void auc_reversedSeparation_isZero() {
        assertThat(DriftStatistics.areaUnderRoc(new long[] {5, 0, 0}, new long[] {0, 0, 3})).isZero();
    }

    @Test
    void auc_everythingInOneBin_isHalf() {
        assertThat(DriftStatistics.areaUnderRoc(new long[] {0, 4, 0}, new long[] {0, 7, 0})).isEqualTo(0.5);
    }

    @Test
    void auc_smallCase_matchesHandComputation() {
        // positives (1, 2, 3), negatives (3, 2, 1); P = N = 6.
        // bin 0: 0·1 + ½·1·3 = 1.5; bin 1: 3·2 + ½·2·2 = 8; bin 2: 5·3 + ½·3·1 = 16.5.
        // AUC = 26 / 36 = 13/18.
        long[] positives = {1, 2, 3};
        long[] negatives = {3, 2, 1};

        assertThat(DriftStatistics.areaUnderRoc(positives, negatives)).isCloseTo(13.0 / 18.0, within(1e-15));
        assertThat(DriftStatistics.areaUnderRoc(positives, negatives))
                .isCloseTo(pairwiseAuc(positives, negatives), within(1e-15));
    }

    @Test
    void auc_billionsPerBin_doNotOverflow() {
        // bin 0: 0; bin 1: 1e9·1e9 + ½·1e9·1e9 = 1.5e18; bin 2: 2e9·1e9 = 2e18; P·N = 4e18.
        long billion = 1_000_000_000L;
        assertThat(DriftStatistics.areaUnderRoc(
                        new long[] {0, billion, billion}, new long[] {billion, billion, 0}))
                .isEqualTo(0.875);

        long[] positives = new long[1000];
        long[] negatives = new long[1000];
        Arrays.fill(positives, billion);
        Arrays.fill(negatives, billion);
        assertThat(DriftStatistics.areaUnderRoc(positives, negatives)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void auc_withoutPositivesOrNegatives_isNaN() {
        assertThat(DriftStatistics.areaUnderRoc(new long[] {0, 0}, new long[] {1, 2})).isNaN();
        assertThat(DriftStatistics.areaUnderRoc(new long[] {1, 2}, new long[] {0, 0})).isNaN();
    }

    @Test
    void auc_invalidArguments_nameTheValue() {
        assertThatThrownBy(() -> DriftStatistics.areaUnderRoc(new long[] {1, -4}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positivesByBin[1]")
                .hasMessageContaining("-4");
        assertThatThrownBy(() -> DriftStatistics.areaUnderRoc(new long[] {1, 2, 3}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positivesByBin and negativesByBin")
                .hasMessageContaining("3 and 2");
    }

    /** The defining series of Q_KS, summed with far more terms than it needs down to λ = 0.2. */
    private static double alternatingSeries(double lambda) {
        double sum = 0.0;
        for (int j = 2000; j >= 1; j--) {
            double sign = j % 2 == 1 ? 1.0 : -1.0;
            sum += sign * Math.exp(-2.0 * j * j * lambda * lambda);
        }
        return 2.0 * sum;
    }

    /** AUC by comparing every positive with every negative, ties counting half. */
    private static double pairwiseAuc(long[] positivesByBin, long[] negativesByBin) {
        double wins = 0.0;
        long positives = 0;
        long negatives = 0;
        for (int positiveBin = 0; positiveBin < positivesByBin.length; positiveBin++) {
            positives += positivesByBin[positiveBin];
            negatives += negativesByBin[positiveBin];
            for (int negativeBin = 0; negativeBin < negativesByBin.length; negativeBin++) {
                double pairs = (double) positivesByBin[positiveBin] * negativesByBin[negativeBin];
                if (positiveBin > negativeBin) {
                    wins += pairs;
                } else if (positiveBin == negativeBin) {
                    wins += 0.5 * pairs;
                }
            }
        }
        return wins / ((double) positives * negatives);
    }

    private static void assertRelativelyClose(double actual, double expected, double relativeTolerance) {
        assertThat(Math.abs(actual - expected))
                .as("%s relative to %s", actual, expected)
                .isLessThanOrEqualTo(relativeTolerance * Math.abs(expected));
    }
}
