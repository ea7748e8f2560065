package io.mlops.api.monitoring;

import java.util.List;
import java.util.Objects;

/**
 * How one feature (or the prediction) compares between the baseline and a window.
 *
 * @param feature         the feature's name; prediction features are {@code prediction.label} and {@code prediction.score}
 * @param kind            numeric or categorical
 * @param baselineCount   non-missing values in the baseline
 * @param windowCount     non-missing values in the window
 * @param baselineMissing share of the baseline's rows where the feature was missing
 * @param windowMissing   share of the window's rows where the feature was missing
 * @param psi             Population Stability Index over {@link #bins()} (NaN when either side is empty)
 * @param jensenShannon   Jensen–Shannon distance (base 2, 0 to 1) over the same bins
 * @param test            {@code kolmogorov_smirnov} or {@code chi_squared}
 * @param statistic       the test's statistic (KS: largest CDF gap; chi-squared: Pearson's statistic)
 * @param pValue          the test's p-value
 * @param severity        the verdict under the thresholds in force
 * @param bins            baseline and window shares per bin: baseline deciles, or categories
 */
public record FeatureDrift(String feature, FeatureKind kind, long baselineCount, long windowCount,
        double baselineMissing, double windowMissing, double psi, double jensenShannon, String test,
        double statistic, double pValue, DriftSeverity severity, List<BinShare> bins) {

    public FeatureDrift {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(severity, "severity");
        bins = bins == null ? List.of() : List.copyOf(bins);
    }

    /** Whether the feature drifted (a warning or an alert). */
    public boolean drifted() {
        return severity != DriftSeverity.NONE;
    }
}
