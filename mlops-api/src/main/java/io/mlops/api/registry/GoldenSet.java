package io.mlops.api.registry;

import java.util.List;
import java.util.Objects;

/**
 * Known inputs with known outputs that a version must reproduce before a protected alias may point
 * at it: the bank's "models are run on known data with known results" test, run in-process on the
 * exact bytes that will be served.
 *
 * <pre>{@code
 * GoldenSet golden = new GoldenSet(1e-6, List.of(
 *         GoldenCase.of(Map.of("age", 41, "job", "admin."), tribuoSaid)));
 * mlops.registry().attachGoldenSet("credit-risk", 3, golden);
 * // later, as a validator: checked again by setAlias("credit-risk", "champion", 3)
 * GoldenSetCheck check = mlops.governance().checkGoldenSet("credit-risk", 3);
 * }</pre>
 *
 * @param tolerance largest absolute difference allowed for each probability and value; 0 to 1
 * @param cases     1 to {@value #MAX_CASES} cases
 */
public record GoldenSet(double tolerance, List<GoldenCase> cases) {

    public static final int MAX_CASES = 100_000;

    public GoldenSet {
        if (!(tolerance >= 0 && tolerance <= 1)) {
            throw new IllegalArgumentException("golden set tolerance " + tolerance + " is not between 0 and 1");
        }
        Objects.requireNonNull(cases, "cases");
        if (cases.isEmpty() || cases.size() > MAX_CASES) {
            throw new IllegalArgumentException("a golden set has 1-" + MAX_CASES + " cases, not " + cases.size());
        }
        cases = List.copyOf(cases);
    }
}
