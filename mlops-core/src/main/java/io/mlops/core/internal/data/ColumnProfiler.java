package io.mlops.core.internal.data;

import io.mlops.api.data.ColumnProfile;
import io.mlops.core.internal.monitoring.CategoricalSketch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Profiles one column from its values as text, in memory bounded whatever the row count: a KLL
 * sketch while every value is numeric, and the value counts of monitoring's
 * {@link CategoricalSketch} (exact up to {@link ColumnProfile#DISTINCT_LIMIT} distinct values, a
 * frequent-items sketch beyond). Not thread-safe.
 */
public final class ColumnProfiler {

    /** The ranks a profile reports. */
    public static final double[] RANKS = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
    /** KLL accuracy parameter: normalized rank error about 1.3%, a few kilobytes per column. */
    static final int KLL_K = 200;
    /**
     * Top values must occur at least this often, and in high-cardinality columns in at least 1% of
     * rows: a value seen once (a name, an account number) identifies a person and says nothing
     * about the distribution.
     */
    static final int MIN_TOP_VALUE_COUNT = 2;

    private final String name;
    private long missing;
    private boolean numeric = true;
    private boolean integral = true;
    private double sum;
    private KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(KLL_K);
    /** Every value as text: exact counts up to a thousand distinct values, then the frequent ones (cut to 256 characters). */
    private final CategoricalSketch values = new CategoricalSketch();

    public ColumnProfiler(String name) {
        this.name = name;
    }

    /** Adds one value; {@code null} or empty text is a missing value. */
    public void add(String value) {
        if (value == null || value.isEmpty()) {
            missing++;
            return;
        }
        if (numeric) {
            addNumber(value);
        }
        values.add(value);
    }

    private void addNumber(String value) {
        if (!looksNumeric(value)) {
            becomeText();
            return;
        }
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            becomeText();
            return;
        }
        if (!Double.isFinite(d)) {
            becomeText();
            return;
        }
        if (integral && (d != Math.rint(d) || value.indexOf('.') >= 0 || value.indexOf('e') >= 0 || value.indexOf('E') >= 0)) {
            integral = false;
        }
        sum += d;
        sketch.update(d);
    }

    private void becomeText() {
        numeric = false;
        integral = false;
        sketch = null;
    }

    /** A cheap pre-check so that text columns do not throw and catch an exception per value. */
    private static boolean looksNumeric(String s) {
        char first = s.charAt(0);
        if (!(first >= '0' && first <= '9') && first != '-' && first != '+' && first != '.') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
                return false;
            }
        }
        return true;
    }

    /** The inferred type: {@code integer}, {@code double} or {@code string} (also for a column with no value). */
    public String inferredType() {
        if (values.count() == 0 || !numeric) {
            return "string";
        }
        return integral ? "integer" : "double";
    }

    /** The profile, typed as inferred. */
    public ColumnProfile finish() {
        return finish(inferredType());
    }

    /**
     * The profile with a declared type (from a database's metadata). A numeric declared type gets
     * numeric statistics when every value parsed as a number.
     */
    public ColumnProfile finish(String type) {
        boolean numericStats = numeric && values.count() > 0 && (type.equals("integer") || type.equals("double"));
        OptionalLong distinct = values.distinct();
        if (numericStats) {
            Map<Double, Double> quantiles = new LinkedHashMap<>();
            for (double rank : RANKS) {
                quantiles.put(rank, sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE));
            }
            return new ColumnProfile(name, type, values.count(), missing, distinct, OptionalDouble.of(sketch.getMinItem()),
                    OptionalDouble.of(sketch.getMaxItem()), OptionalDouble.of(sum / values.count()), quantiles, Map.of());
        }
        return new ColumnProfile(name, type, values.count(), missing, distinct, OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), Map.of(), topValues());
    }

    private Map<String, Long> topValues() {
        List<Map.Entry<String, Long>> all = new ArrayList<>(values.counts(ErrorType.NO_FALSE_NEGATIVES).entrySet());
        long minimum = values.exact() ? MIN_TOP_VALUE_COUNT : Math.max(MIN_TOP_VALUE_COUNT, values.count() / 100);
        all.removeIf(e -> e.getValue() < minimum);
        // Ties broken by value, so that equal counts always come in the same order.
        all.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> top = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : all.subList(0, Math.min(ColumnProfile.TOP_VALUES, all.size()))) {
            top.put(e.getKey(), e.getValue());
        }
        return top;
    }
}
