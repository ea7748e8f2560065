package io.mlops.api.monitoring;

import io.mlops.api.InvalidArgumentException;

/**
 * When a feature, the prediction, a data set and a model's performance count as drifted.
 *
 * <p>A feature drifts when its Population Stability Index reaches {@code psiWarning} (a
 * {@link DriftSeverity#WARNING}) or {@code psiAlert} (an {@link DriftSeverity#ALERT}) <em>and</em>
 * its statistical test (Kolmogorov–Smirnov for numbers, chi-squared for categories) rejects "same
 * distribution" at {@code pValue}. Both are required because each alone misleads: with a million
 * rows a test rejects differences too small to matter, and with fifty rows PSI moves by chance.
 * A data set drifts when at least {@code driftedShare} of its features drift. Performance has
 * degraded when AUC or accuracy over labelled predictions falls more than {@code performanceDrop}
 * below the version's recorded test metric. A window with fewer than {@code minRows} rows is never
 * called drifted.
 *
 * <pre>{@code
 * DriftThresholds strict = DriftThresholds.DEFAULTS.withPsi(0.05, 0.2);
 * }</pre>
 *
 * @param psiWarning      PSI from which a feature warns; default 0.1
 * @param psiAlert        PSI from which a feature alerts; default 0.25
 * @param pValue          significance level of the tests; default 0.05
 * @param driftedShare    share of drifted features from which the data set drifts; default 0.5
 * @param performanceDrop absolute fall in AUC or accuracy that counts as degraded; default 0.05
 * @param minRows         fewest window rows for a verdict; default 100
 */
public record DriftThresholds(double psiWarning, double psiAlert, double pValue, double driftedShare,
        double performanceDrop, long minRows) {

    /** PSI 0.1 / 0.25, p &lt; 0.05, half the features, a 0.05 fall in performance, 100 rows. */
    public static final DriftThresholds DEFAULTS = new DriftThresholds(0.1, 0.25, 0.05, 0.5, 0.05, 100);

    public DriftThresholds {
        if (!(psiWarning > 0) || !(psiAlert >= psiWarning) || Double.isInfinite(psiAlert)) {
            throw new InvalidArgumentException("PSI thresholds must satisfy 0 < warning <= alert < infinity; got warning "
                    + psiWarning + " and alert " + psiAlert);
        }
        if (!(pValue > 0 && pValue < 1)) {
            throw new InvalidArgumentException("pValue must be between 0 and 1 (exclusive), e.g. 0.05; got " + pValue);
        }
        if (!(driftedShare > 0 && driftedShare <= 1)) {
            throw new InvalidArgumentException("driftedShare must be in (0, 1], e.g. 0.5; got " + driftedShare);
        }
        if (!(performanceDrop >= 0 && performanceDrop < 1)) {
            throw new InvalidArgumentException("performanceDrop must be in [0, 1), e.g. 0.05; got " + performanceDrop);
        }
        if (minRows < 1) {
            throw new InvalidArgumentException("minRows must be at least 1; got " + minRows);
        }
    }

    public DriftThresholds withPsi(double warning, double alert) {
        return new DriftThresholds(warning, alert, pValue, driftedShare, performanceDrop, minRows);
    }

    public DriftThresholds withPValue(double significance) {
        return new DriftThresholds(psiWarning, psiAlert, significance, driftedShare, performanceDrop, minRows);
    }

    public DriftThresholds withDriftedShare(double share) {
        return new DriftThresholds(psiWarning, psiAlert, pValue, share, performanceDrop, minRows);
    }

    public DriftThresholds withPerformanceDrop(double drop) {
        return new DriftThresholds(psiWarning, psiAlert, pValue, driftedShare, drop, minRows);
    }

    public DriftThresholds withMinRows(long rows) {
        return new DriftThresholds(psiWarning, psiAlert, pValue, driftedShare, performanceDrop, rows);
    }
}
