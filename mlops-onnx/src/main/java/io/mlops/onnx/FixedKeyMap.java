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
 * labels), in their order, holding only the row's values.
 *
 * <p>A prediction carries two small maps per row; built as {@code LinkedHashMap}s they were a
 * measurable part of scoring a batch. The key lists are short, so a linear scan finds a key as
 * fast as hashing would.
 */
final class FixedKeyMap<V> extends AbstractMap<String, V> {
    private final List<String> keys;
    private final Object[] values;

    /** @param keys shared and never modified; {@code values} is owned by the map from now on */
    FixedKeyMap(List<String> keys, Object[] values) {
        if (keys.size() != values.length) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.length + " values");
        }
        this.keys = keys;
        this.values = values;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return keys.indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = keys.indexOf(key);
        return i < 0 ? null : (V) values[i];
    }

    @Override
    public Set<Map.Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return values.length;
            }

            @Override
            public Iterator<Map.Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public Map.Entry<String, V> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new AbstractMap.SimpleImmutableEntry<>(keys.get(i), (V) values[i]);
                    }
                };
            }
        };
    }
}
