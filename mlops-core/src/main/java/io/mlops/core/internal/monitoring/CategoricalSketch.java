package io.mlops.core.internal.monitoring;

import io.mlops.api.monitoring.FeatureKind;
import io.mlops.core.internal.Validation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A categorical feature: exact value counts up to {@link #CARDINALITY_LIMIT} distinct values, then a
 * frequent-items sketch, so that an identifier-like column cannot grow memory with the row count.
 * Also what a data set's column profile counts its values with.
 */
public final class CategoricalSketch extends FeatureSketch {
    /** Distinct values counted exactly; beyond it only the frequent ones are tracked. */
    static final int CARDINALITY_LIMIT = io.mlops.api.data.ColumnProfile.DISTINCT_LIMIT;
    /** Longest value kept, in characters: values live in stored profiles and in reports. */
    static final int MAX_VALUE_LENGTH = 256;
    /** Map size of the frequent-items sketch (a power of two): tracks the ~768 most frequent values. */
    private static final int FREQUENT_ITEMS_MAP = 1024;
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    private Map<String, long[]> exact;
    private ItemsSketch<String> frequent;
    private long count;

    public CategoricalSketch() {
        super(0);
        this.exact = new HashMap<>();
    }

    private CategoricalSketch(Map<String, long[]> exact, ItemsSketch<String> frequent, long count, long missing) {
        super(missing);
        this.exact = exact;
        this.frequent = frequent;
        this.count = count;
    }

    static CategoricalSketch restoreExact(Map<String, Long> counts, long missing) {
        Map<String, long[]> exact = new HashMap<>();
        long count = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            exact.put(e.getKey(), new long[] {e.getValue()});
            count += e.getValue();
        }
        return new CategoricalSketch(exact, null, count, missing);
    }

    static CategoricalSketch restoreFrequent(byte[] items, long missing) {
        ItemsSketch<String> sketch = ItemsSketch.getInstance(Memory.wrap(items), SERDE);
        return new CategoricalSketch(null, sketch, sketch.getStreamLength(), missing);
    }

    @Override
    FeatureKind kind() {
        return FeatureKind.CATEGORICAL;
    }

    @Override
    public long count() {
        return count;
    }

    /** Adds a value as text, cut to {@value #MAX_VALUE_LENGTH} characters; null or empty text counts as missing. */
    @Override
    public void add(Object value) {
        String text = value == null ? null : value.toString();
        if (text == null || text.isEmpty()) {
            addMissing();
            return;
        }
        add(Validation.truncate(text, MAX_VALUE_LENGTH, "…"), 1);
    }

    private void add(String value, long times) {
        count += times;
        if (exact != null) {
            exact.computeIfAbsent(value, v -> new long[1])[0] += times;
            if (exact.size() > CARDINALITY_LIMIT) {
                switchToFrequentItems();
            }
        } else {
            frequent.update(value, times);
        }
    }

    private void switchToFrequentItems() {
        frequent = new ItemsSketch<>(FREQUENT_ITEMS_MAP);
        exact.forEach((v, n) -> frequent.update(v, n[0]));
        exact = null;
    }

    @Override
    void mergeValuesFrom(FeatureSketch other) {
        CategoricalSketch categorical = (CategoricalSketch) other;
        if (categorical.exact != null) {
            categorical.exact.forEach((v, n) -> add(v, n[0]));
            return;
        }
        if (exact != null) {
            switchToFrequentItems();
        }
        frequent.merge(categorical.frequent);
        count += categorical.count;
    }

    @Override
    CategoricalSketch copy() {
        if (exact != null) {
            Map<String, long[]> counts = new HashMap<>();
            exact.forEach((v, n) -> counts.put(v, new long[] {n[0]}));
            return new CategoricalSketch(counts, null, count, missing());
        }
        return new CategoricalSketch(null, ItemsSketch.getInstance(Memory.wrap(frequent.toByteArray(SERDE)), SERDE), count, missing());
    }

    /** Whether every value is counted exactly. */
    public boolean exact() {
        return exact != null;
    }

    /** The number of distinct values, while they are counted exactly. */
    public java.util.OptionalLong distinct() {
        return exact != null ? java.util.OptionalLong.of(exact.size()) : java.util.OptionalLong.empty();
    }

    /**
     * Value counts: exact, or the sketch's estimates of the values it can vouch for (no false
     * positives), whose sum may fall short of {@link #count()}.
     */
    Map<String, Long> counts() {
        return counts(ErrorType.NO_FALSE_POSITIVES);
    }

    /** Value counts: exact, or the sketch's estimates of the frequent values, chosen by {@code errorType}. */
    public Map<String, Long> counts(ErrorType errorType) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (exact != null) {
            exact.forEach((v, n) -> counts.put(v, n[0]));
        } else {
            for (ItemsSketch.Row<String> row : frequent.getFrequentItems(errorType)) {
                counts.put(row.getItem(), row.getEstimate());
            }
        }
        return counts;
    }

    byte[] frequentItemsBytes() {
        return frequent.toByteArray(SERDE);
    }
}
