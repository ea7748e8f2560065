package io.mlops.core.internal.monitoring;

/**
 * Exact counts of up to {@link #LIMIT} distinct doubles in primitive arrays (open addressing,
 * linear probing). Most numeric features of tabular data (ages, counts, flags, days) have few
 * distinct values, and counting them costs a few nanoseconds a value where a KLL update costs
 * about thirty; the counts go into the sketch, weighted, when the profile is taken.
 */
final class ValueCounter {
    /** Distinct values counted; one more and the caller falls back to the sketch. */
    static final int LIMIT = 1024;
    private static final int CAPACITY = 2 * LIMIT; // a power of two, at most half full
    private static final long EMPTY = 0x7ff8dead00000000L; // a NaN payload no caller passes: values are finite

    private final long[] keys = new long[CAPACITY];
    private final long[] counts = new long[CAPACITY];
    private int size;

    ValueCounter() {
        java.util.Arrays.fill(keys, EMPTY);
    }

    /**
     * Counts a finite value.
     *
     * @return false, counting nothing, if it would be the {@code LIMIT + 1}th distinct value
     */
    boolean add(double value) {
        // 0.0 and -0.0 are one value, as they are to the sketch.
        long bits = Double.doubleToRawLongBits(value == 0 ? 0.0 : value);
        int slot = (int) ((bits * 0x9E3779B97F4A7C15L) >>> 53); // top 11 bits: CAPACITY = 2^11
        while (true) {
            long key = keys[slot];
            if (key == bits) {
                counts[slot]++;
                return true;
            }
            if (key == EMPTY) {
                if (size == LIMIT) {
                    return false;
                }
                keys[slot] = bits;
                counts[slot] = 1;
                size++;
                return true;
            }
            slot = (slot + 1) & (CAPACITY - 1);
        }
    }

    /** Values counted, with repeats. */
    long total() {
        long total = 0;
        for (int i = 0; i < CAPACITY; i++) {
            if (keys[i] != EMPTY) {
                total += counts[i];
            }
        }
        return total;
    }

    /** Feeds every count into {@code sketch} as a weighted update. */
    void addTo(org.apache.datasketches.kll.KllDoublesSketch sketch) {
        for (int i = 0; i < CAPACITY; i++) {
            if (keys[i] != EMPTY) {
                if (counts[i] == 1) {
                    sketch.update(Double.longBitsToDouble(keys[i]));
                } else {
                    sketch.update(Double.longBitsToDouble(keys[i]), counts[i]);
                }
            }
        }
    }
}
