package io.mlops.api.monitoring;

/** How a feature is profiled and tested for drift. */
public enum FeatureKind {
    /** Numbers: a KLL quantile sketch; PSI on baseline-quantile bins, Kolmogorov–Smirnov, Jensen–Shannon. */
    NUMERIC,
    /** Text or booleans: value frequencies; PSI over categories, chi-squared, Jensen–Shannon. */
    CATEGORICAL
}
