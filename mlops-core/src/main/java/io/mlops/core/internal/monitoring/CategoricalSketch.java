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
 */
final class CategoricalSketch implements FeatureSketch {
    /** Distinct values counted exactly; beyond it only the frequent ones are tracked. */
    static final int CARDINALITY_LIMIT = 1000;
    /** Longest value kept, in characters: values live in stored profiles and in reports. */
    static final int MAX_VALUE_LENGTH = 256;
    /** Map size of the frequent-items sketch (a power of two): tracks the ~768 most frequent values. */
    private static final int FREQUENT_ITEMS_MAP = 1024;
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    private Map<String, long[]> exact;
    private ItemsSketch<String> frequent;
    private long count;
    private long missing;

    CategoricalSketch() {
        this.exact = new HashMap<>();
    }

    private CategoricalSketch(Map<String, long[]> exact, ItemsSketch<String> frequent, long count, long missing) {
        this.exact = exact;
        this.frequent = frequent;
        this.count = count;
        this.missing = missing;
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
    public FeatureKind kind() {
        return FeatureKind.CATEGORICAL;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long missing() {
        return missing;
    }

    @Override
    public void addMissing() {
        missing++;
    }

    @Override
    public void add(Object value) {
        String text = value == null ? null : value.toString();
        if (text == null || text.isEmpty()) {
            missing++;
            return;
        }
        add(Validation.truncate(text, MAX_VALUE_LENGTH, "…"), 1);
    }

    private void add(String value, long times) {
        count += times;
        if (exact != null) {
            exact.computeIfAbsent(value, v -> new long[1])[0] += times;
            if (exact.size() > CARDINALITY_LIMIT) {
                frequent = new ItemsSketch<>(FREQUENT_ITEMS_MAP);
                exact.forEach((v, n) -> frequent.update(v, n[0]));
                exact = null;
            }
        } else {
            frequent.update(value, times);
        }
    }

    @Override
    public void mergeFrom(FeatureSketch other) {
        CategoricalSketch categorical = (CategoricalSketch) other;
        missing += categorical.missing;
        if (categorical.exact != null) {
            categorical.exact.forEach((v, n) -> add(v, n[0]));
            return;
        }
        if (exact != null) {
            frequent = new ItemsSketch<>(FREQUENT_ITEMS_MAP);
            exact.forEach((v, n) -> frequent.update(v, n[0]));
            exact = null;
        }
        frequent.merge(categorical.frequent);
        count += categorical.count;
    }

    @Override
    public CategoricalSketch copy() {
        if (exact != null) {
            Map<String, long[]> counts = new HashMap<>();
            exact.forEach((v, n) -> counts.put(v, new long[] {n[0]}));
            return new CategoricalSketch(counts, null, count, missing);
        }
        return new CategoricalSketch(null, ItemsSketch.getInstance(Memory.wrap(frequent.toByteArray(SERDE)), SERDE), count, missing);
    }

    /** Whether every value is counted exactly. */
    boolean exact() {
        return exact != null;
    }

    /**
     * Value counts: exact, or the sketch's estimates of the values it can vouch for (no false
     * positives), whose sum may fall short of {@link #count()}.
     */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (exact != null) {
            exact.forEach((v, n) -> counts.put(v, n[0]));
        } else {
            for (ItemsSketch.Row<String> row : frequent.getFrequentItems(ErrorType.NO_FALSE_POSITIVES)) {
                counts.put(row.getItem(), row.getEstimate());
            }
        }
        return counts;
    }

    byte[] frequentItemsBytes() {
        return frequent.toByteArray(SERDE);
    }
}
