package io.mlops.api.registry;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of scoring a version on its golden set; recorded in the audit log and on the version.
 *
 * @param modelName     the model
 * @param version       the version checked
 * @param passed        true when every case matched within the tolerance
 * @param cases         cases scored
 * @param failedCases   cases that did not match (or could not be scored)
 * @param maxDifference largest absolute difference seen over all probabilities and values
 * @param tolerance     the tolerance the set states
 * @param failures      the first failures described (case number, what was expected, what came out); at most 10
 * @param checkedBy     the principal that ran the check
 * @param checkedAt     epoch milliseconds
 */
public record GoldenSetCheck(String modelName, int version, boolean passed, int cases, int failedCases,
        double maxDifference, double tolerance, List<String> failures, String checkedBy, long checkedAt) {

    public GoldenSetCheck {
        Objects.requireNonNull(modelName, "modelName");
        failures = failures == null ? List.of() : List.copyOf(failures);
        checkedBy = checkedBy == null ? "" : checkedBy;
    }

    /** One line for messages and tags, e.g. {@code passed: 50 cases, max difference 3.1e-08 (tolerance 1.0e-06)}. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%s: %d cases, %d failed, max difference %.2e (tolerance %.2e)",
                passed ? "passed" : "FAILED", cases, failedCases, maxDifference, tolerance);
    }
}
