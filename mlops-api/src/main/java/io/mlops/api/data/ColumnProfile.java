package io.mlops.api.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one column of a tabular dataset version holds. Numeric columns have their range, mean and
 * quantiles (from a KLL sketch: rank error about 1.3% whatever the row count; the sketch is
 * randomised, so two profiles of the same data may differ within that error); other columns their
 * most frequent values. Empty cells count as missing.
 *
 * <p>Top values are raw data copied into the metadata store: only values seen at least twice (and,
 * above {@link #DISTINCT_LIMIT} distinct values, in at least 1% of rows) are kept, each cut to 256
 * characters, so that identifying one-off values (names, account numbers) are not.
 *
 * @param name       column name
 * @param type       inferred or declared logical type: {@code integer}, {@code double}, {@code string}, …
 * @param count      non-missing values
 * @param missing    missing (empty or SQL NULL) values
 * @param distinct   exact number of distinct values when at most {@link #DISTINCT_LIMIT}; empty above
 * @param min        smallest value, numeric columns only
 * @param max        largest value, numeric columns only
 * @param mean       arithmetic mean, numeric columns only
 * @param quantiles  rank (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99) to value, numeric columns only;
 *                   never null
 * @param topValues  the most frequent values (at most {@link #TOP_VALUES}) with their counts,
 *                   most frequent first, non-numeric columns only; never null
 */
public record ColumnProfile(
        String name,
        String type,
        long count,
        long missing,
        OptionalLong distinct,
        OptionalDouble min,
        OptionalDouble max,
        OptionalDouble mean,
        Map<Double, Double> quantiles,
        Map<String, Long> topValues) {

    /** Above this many distinct values a column's distinct count is not kept. */
    public static final int DISTINCT_LIMIT = 1000;
    /** How many of the most frequent values a profile keeps. */
    public static final int TOP_VALUES = 20;

    public ColumnProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        distinct = distinct == null ? OptionalLong.empty() : distinct;
        min = min == null ? OptionalDouble.empty() : min;
        max = max == null ? OptionalDouble.empty() : max;
        mean = mean == null ? OptionalDouble.empty() : mean;
        quantiles = quantiles == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(quantiles));
        topValues = topValues == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(topValues));
    }

    /** True for {@code integer} and {@code double} columns. */
    public boolean numeric() {
        return type.equals("integer") || type.equals("double");
    }
}
