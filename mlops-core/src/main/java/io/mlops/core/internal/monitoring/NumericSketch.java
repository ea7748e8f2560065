package io.mlops.core.internal.monitoring;

import io.mlops.api.monitoring.FeatureKind;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A numeric feature: a KLL quantile sketch of its finite values plus the count of missing ones.
 * While profiling, values are first counted exactly ({@link ValueCounter}) as long as the feature
 * has at most {@value ValueCounter#LIMIT} distinct values; the counts join the sketch in
 * {@link #copy()}, so stored profiles always hold a plain KLL sketch.
 */
final class NumericSketch extends FeatureSketch {
    /**
     * KLL accuracy parameter: normalized rank error about 1.3% at 99% confidence, a few kilobytes
     * per feature whatever the row count; the same as dataset profiles use.
     */
    static final int KLL_K = 200;

    private final KllDoublesSketch sketch;
    /** Exact counts not yet in the sketch; null once the feature had too many distinct values, and in profiles. */
    private ValueCounter counter;

    NumericSketch() {
        this(KllDoublesSketch.newHeapInstance(KLL_K), 0);
        counter = new ValueCounter();
    }

    private NumericSketch(KllDoublesSketch sketch, long missing) {
        super(missing);
        this.sketch = sketch;
    }

    static NumericSketch restore(byte[] kll, long missing) {
        return new NumericSketch(KllDoublesSketch.heapify(Memory.wrap(kll)), missing);
    }

    @Override
    FeatureKind kind() {
        return FeatureKind.NUMERIC;
    }

    @Override
    long count() {
        return sketch.getN() + (counter == null ? 0 : counter.total());
    }

    @Override
    void add(Object value) {
        if (value instanceof Number number) {
            add(number.doubleValue());
        } else if (value instanceof CharSequence text) {
            add(parse(text.toString()));
        } else {
            // Booleans, vectors and anything else are not numbers: counting them missing makes a
            // schema change show up in the missing share instead of failing the caller.
            addMissing();
        }
    }

    void add(double value) {
        if (!Double.isFinite(value)) {
            addMissing();
        } else if (counter == null || !counter.add(value)) {
            overflow();
            sketch.update(value);
        }
    }

    /** The feature has more distinct values than are counted exactly: the counts so far join the sketch. */
    private void overflow() {
        if (counter != null) {
            counter.addTo(sketch);
            counter = null;
        }
    }

    /** Adds a run of values at once; NaN and infinities count as missing. */
    void addAll(double[] values, int offset, int length) {
        int end = offset + length;
        int i = offset;
        if (counter != null) {
            for (; i < end; i++) {
                double value = values[i];
                if (!Double.isFinite(value)) {
                    addMissing();
                } else if (!counter.add(value)) {
                    overflow();
                    break;
                }
            }
        }
        int start = i;
        for (; i < end; i++) {
            if (!Double.isFinite(values[i])) {
                if (i > start) {
                    sketch.update(values, start, i - start);
                }
                addMissing();
                start = i + 1;
            }
        }
        if (end > start) {
            sketch.update(values, start, end - start);
        }
    }

    private static double parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(trimmed);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    @Override
    void mergeValuesFrom(FeatureSketch other) {
        overflow();
        sketch.merge(((NumericSketch) other).materialized());
    }

    /** A plain sketch with the pending counts in it (a new one when there are counts). */
    private KllDoublesSketch materialized() {
        if (counter == null) {
            return sketch;
        }
        KllDoublesSketch all = KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray()));
        counter.addTo(all);
        return all;
    }

    @Override
    NumericSketch copy() {
        KllDoublesSketch all = materialized();
        return new NumericSketch(all == sketch ? KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray())) : all, missing());
    }

    KllDoublesSketch sketch() {
        return materialized();
    }

    @Override
    void prepareForReading() {
        overflow();
        if (!sketch.isEmpty()) {
            sketch.getQuantile(0.5, org.apache.datasketches.quantilescommon.QuantileSearchCriteria.INCLUSIVE);
        }
    }

    byte[] toBytes() {
        return materialized().toByteArray();
    }
}
