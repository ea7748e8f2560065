package io.mlops.api.monitoring;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model version's drift over one window of its prediction log (or any data set) against the
 * baseline stored with the version.
 *
 * <pre>{@code
 * DriftReport report = mlops.monitoring().check("credit-risk", 3, Instant.now().minus(Duration.ofDays(1)), Instant.now());
 * if (report.datasetDrift()) {
 *     report.features().stream().filter(FeatureDrift::drifted).forEach(f -> log.warn("{} PSI {}", f.feature(), f.psi()));
 * }
 * }</pre>
 *
 * @param model         the registered model
 * @param version       its version
 * @param windowStart   first instant of the window, epoch milliseconds (inclusive)
 * @param windowEnd     end of the window, epoch milliseconds (exclusive)
 * @param baselineRows  rows in the baseline
 * @param windowRows    rows in the window
 * @param features      one entry per input feature of the baseline, in the baseline's order
 * @param prediction    the prediction's own drift ({@code prediction.label}, {@code prediction.score}), where the baseline has it
 * @param driftedShare  share of the input features that drifted
 * @param datasetDrift  whether that share reached the threshold
 * @param severity      the worst of the features', the prediction's and (as an ALERT) degraded performance
 * @param performance   accuracy and AUC over labelled predictions, when the window has labels
 * @param thresholds    the thresholds the verdicts used
 * @param notes         what limits the verdict, e.g. too few rows
 * @param createdAt     epoch milliseconds
 */
public record DriftReport(String model, int version, long windowStart, long windowEnd, long baselineRows,
        long windowRows, List<FeatureDrift> features, List<FeatureDrift> prediction, double driftedShare,
        boolean datasetDrift, DriftSeverity severity, Optional<PerformanceWindow> performance,
        DriftThresholds thresholds, List<String> notes, long createdAt) {

    public DriftReport {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(thresholds, "thresholds");
        features = features == null ? List.of() : List.copyOf(features);
        prediction = prediction == null ? List.of() : List.copyOf(prediction);
        performance = performance == null ? Optional.empty() : performance;
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * Whether the report is a verdict: the window had enough rows ({@link DriftThresholds#minRows()})
     * to judge drift, or performance, judged on enough labels of its own, has degraded. Otherwise the
     * report's {@link DriftSeverity#NONE} means no evidence, not that nothing moved, and a monitor
     * keeps the previous verdict.
     */
    public boolean conclusive() {
        return windowRows >= thresholds.minRows() || performance.map(PerformanceWindow::degraded).orElse(false);
    }

    /** The input features that drifted, worst first. */
    public List<FeatureDrift> driftedFeatures() {
        return features.stream().filter(FeatureDrift::drifted)
                .sorted(java.util.Comparator.comparing(FeatureDrift::severity).reversed()
                        .thenComparing(java.util.Comparator.comparingDouble(FeatureDrift::psi).reversed()))
                .toList();
    }

    /** One line for logs, e.g. {@code credit-risk v3: ALERT, 4 of 14 features drifted (age, month, …)}. */
    public String summary() {
        List<FeatureDrift> drifted = driftedFeatures();
        StringBuilder line = new StringBuilder().append(model).append(" v").append(version).append(": ")
                .append(severity).append(", ").append(drifted.size()).append(" of ").append(features.size())
                .append(" features drifted");
        if (!drifted.isEmpty()) {
            line.append(" (").append(String.join(", ", drifted.stream().limit(5).map(FeatureDrift::feature).toList()))
                    .append(drifted.size() > 5 ? ", …)" : ")");
        }
        prediction.stream().filter(FeatureDrift::drifted).forEach(p -> line.append("; ").append(p.feature()).append(" drifted"));
        performance.filter(PerformanceWindow::degraded).ifPresent(p -> line.append("; performance degraded"));
        line.append(" over ").append(windowRows).append(" rows");
        notes.forEach(n -> line.append("; ").append(n));
        return line.toString();
    }
}
