package io.mlops.onnx;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map over keys shared by every row a model answers (its output names, its class
 * labels), in their order, reading the row's values from wherever the batch holds them.
 *
 * <p>A prediction carries two small maps per row. Built as {@code LinkedHashMap}s, or even as
 * copied and boxed arrays, they were a measurable part of scoring a batch (about 270 bytes per
 * row more than a hand-written caller allocates). The views here point into the batch's output
 * arrays, which are Java arrays read out of native memory and never written again, so a view is
 * as immutable as a copy. The key lists are short, so a linear scan finds a key as fast as
 * hashing would.
 */
abstract class FixedKeyMap<V> extends AbstractMap<String, V> {
    private final List<String> keys;

    /** @param keys shared and never modified */
    FixedKeyMap(List<String> keys) {
        this.keys = keys;
    }

    /** The value of the {@code i}-th key. */
    abstract V valueAt(int i);

    /** One row of a row-major {@code float[]} or {@code double[]} with one column per key. */
    static FixedKeyMap<Double> realRow(List<String> keys, Object flat, int row) {
        int from = row * keys.size();
        if (flat instanceof float[] f) {
            checkRange(keys, f.length, from);
            return new FixedKeyMap<>(keys) {
                @Override
                Double valueAt(int i) {
                    return (double) f[from + i];
                }
            };
        }
        if (flat instanceof double[] d) {
            checkRange(keys, d.length, from);
            return new FixedKeyMap<>(keys) {
                @Override
                Double valueAt(int i) {
                    return d[from + i];
                }
            };
        }
        throw new IllegalArgumentException("not a real-valued row: " + (flat == null ? null : flat.getClass()));
    }

    private static void checkRange(List<String> keys, int length, int from) {
        if (from < 0 || from + keys.size() > length) {
            throw new IllegalArgumentException("row at " + from + " with " + keys.size() + " values is outside "
                    + length + " elements");
        }
    }

    @Override
    public final int size() {
        return keys.size();
    }

    @Override
    public final boolean containsKey(Object key) {
        return keys.indexOf(key) >= 0;
    }

    @Override
    public final V get(Object key) {
        int i = keys.indexOf(key);
        return i < 0 ? null : valueAt(i);
    }

    @Override
    public final Set<Map.Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return keys.size();
            }

            @Override
            public Iterator<Map.Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.size();
                    }

                    @Override
                    public Map.Entry<String, V> next() {
                        if (next >= keys.size()) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new AbstractMap.SimpleImmutableEntry<>(keys.get(i), valueAt(i));
                    }
                };
            }
        };
    }
}
