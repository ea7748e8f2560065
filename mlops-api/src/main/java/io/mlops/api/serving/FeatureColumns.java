package io.mlops.api.serving;

import io.mlops.api.InvalidArgumentException;
import java.lang.reflect.Array;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A batch of rows given column by column: one primitive or {@code String} array per feature (or
 * one vector per row, see below), all of the same length. It scores the same as the equivalent row maps, under the same rules, but a
 * scorer reads each typed column in one pass into the model's input buffers instead of looking
 * each value up in a map and checking its type, which is most of what scoring a batch of row maps
 * adds on top of the runtime. Use it when the data already sits in columns or typed fields: a JDBC result set, a
 * CSV reader, an array of domain objects.
 *
 * <pre>{@code
 * FeatureColumns batch = FeatureColumns.builder()
 *         .numbers("age", ages)            // float[], double[], long[] or int[]
 *         .strings("job", jobs)            // String[]
 *         .build();
 * List<Prediction> predictions = scorer.scoreColumns(batch);   // one per row, in row order
 * }</pre>
 *
 * <p>A model that takes one whole {@code [N, F]} vector per row under one name gets it as a
 * single vector column, the batch form of its row maps {@code {"input": float[F]}}:
 *
 * <pre>{@code
 * FeatureColumns batch = FeatureColumns.builder()
 *         .vectors("input", embeddings)    // float[N][F], every row of the same length
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe: the builder copies every array it is given, so a caller may
 * reuse its arrays as soon as {@link Builder#build()} returns. Columns keep the order they were
 * added in.
 */
public final class FeatureColumns {

    /** The Java type of a column's values. */
    public enum ColumnType {
        /** {@code float[]}. */
        FLOAT("float"),
        /** {@code double[]}. */
        DOUBLE("double"),
        /** {@code long[]}. */
        LONG("long"),
        /** {@code int[]}. */
        INT("int"),
        /** {@code boolean[]}. */
        BOOLEAN("boolean"),
        /** {@code String[]} without nulls. */
        STRING("String"),
        /** {@code float[][]}: one vector per row, every row of the same length. */
        FLOAT_VECTOR("float[]");

        private final String javaType;

        ColumnType(String javaType) {
            this.javaType = javaType;
        }

        /** The Java element type, as in source code ({@code float}, {@code String}), for messages. */
        public String javaType() {
            return javaType;
        }
    }

    private final int rows;
    /** Name to a private array, in insertion order. */
    private final Map<String, Object> columns;
    private final List<String> names;

    private FeatureColumns(int rows, Map<String, Object> columns) {
        this.rows = rows;
        this.columns = columns;
        this.names = List.copyOf(columns.keySet());
    }

    /** A builder for a new batch. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of rows; every column has this many values. */
    public int rowCount() {
        return rows;
    }

    /** The feature names, in the order the columns were added. */
    public List<String> names() {
        return names;
    }

    /** Whether a column of this name was added. */
    public boolean contains(String name) {
        return columns.containsKey(name);
    }

    /**
     * The type of the named column.
     *
     * @throws InvalidArgumentException if there is no such column
     */
    public ColumnType type(String name) {
        Object values = require(name);
        if (values instanceof float[]) {
            return ColumnType.FLOAT;
        } else if (values instanceof double[]) {
            return ColumnType.DOUBLE;
        } else if (values instanceof long[]) {
            return ColumnType.LONG;
        } else if (values instanceof int[]) {
            return ColumnType.INT;
        } else if (values instanceof boolean[]) {
            return ColumnType.BOOLEAN;
        } else if (values instanceof FloatVectors) {
            return ColumnType.FLOAT_VECTOR;
        }
        return ColumnType.STRING;
    }

    /**
     * A read-only view of a {@link ColumnType#FLOAT} column, one value per row; this and the other
     * typed views are how a scorer reads a column without copying it or boxing its values.
     *
     * @throws InvalidArgumentException if there is no such column or it holds another type
     */
    public FloatBuffer floats(String name) {
        return FloatBuffer.wrap((float[]) typed(name, ColumnType.FLOAT)).asReadOnlyBuffer();
    }

    /**
     * A read-only view of a {@link ColumnType#DOUBLE} column.
     *
     * @throws InvalidArgumentException if there is no such column or it holds another type
     */
    public DoubleBuffer doubles(String name) {
        return DoubleBuffer.wrap((double[]) typed(name, ColumnType.DOUBLE)).asReadOnlyBuffer();
    }

    /**
     * A read-only view of a {@link ColumnType#LONG} column.
     *
     * @throws InvalidArgumentException if there is no such column or it holds another type
     */
    public LongBuffer longs(String name) {
        return LongBuffer.wrap((long[]) typed(name, ColumnType.LONG)).asReadOnlyBuffer();
    }

    /**
     * A read-only view of an {@link ColumnType#INT} column.
     *
     * @throws InvalidArgumentException if there is no such column or it holds another type
     */
    public IntBuffer ints(String name) {
        return IntBuffer.wrap((int[]) typed(name, ColumnType.INT)).asReadOnlyBuffer();
    }

    /**
     * A read-only view of a {@link ColumnType#BOOLEAN} column.
     *
     * @throws InvalidArgumentException if there is no such column or it holds another type
     */
    public List<Boolean> booleans(String name) {
        boolean[] values = (boolean[]) typed(name, ColumnType.BOOLEAN);
        return new AbstractList<>() {
            @Override
            public Boolean get(int index) {
                return values[index];
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }

    /**
     * A vector column's values, row after row: {@code rowCount() * vectorLength(name)} floats,
     * row {@code r} starting at {@code r * vectorLength(name)}. A read-only view, not a copy.
     *
     * @throws InvalidArgumentException if there is no such column or it is not a vector column
     */
    public FloatBuffer vectors(String name) {
        return FloatBuffer.wrap(((FloatVectors) typed(name, ColumnType.FLOAT_VECTOR)).flat).asReadOnlyBuffer();
    }

    /**
     * How many values each row of a vector column holds.
     *
     * @throws InvalidArgumentException if there is no such column or it is not a vector column
     */
    public int vectorLength(String name) {
        return ((FloatVectors) typed(name, ColumnType.FLOAT_VECTOR)).length;
    }

    /**
     * A read-only view of a {@link ColumnType#STRING} column; it holds no {@code null}.
     *
     * @throws InvalidArgumentException if there is no such column or it holds another type
     */
    public List<String> strings(String name) {
        return Collections.unmodifiableList(Arrays.asList((String[]) typed(name, ColumnType.STRING)));
    }

    /**
     * Copies {@code count} values of a {@link ColumnType#STRING} column, from row {@code from}, into
     * {@code target} at {@code offset}: one bulk copy where reading the {@link #strings} view value
     * by value would store each reference separately.
     *
     * @throws InvalidArgumentException if there is no such column or it holds another type
     * @throws IndexOutOfBoundsException if the range lies outside the column or the target
     * @throws NullPointerException if {@code target} is null
     */
    public void copyStrings(String name, int from, String[] target, int offset, int count) {
        System.arraycopy(typed(name, ColumnType.STRING), from, target, offset, count);
    }

    private Object typed(String name, ColumnType wanted) {
        ColumnType actual = type(name);
        if (actual != wanted) {
            throw new InvalidArgumentException("column '" + name + "' holds " + actual.javaType() + " values, not "
                    + wanted.javaType());
        }
        return columns.get(name);
    }

    /**
     * The value in the named column at a row, boxed: a {@code Float}, {@code Double}, {@code Long},
     * {@code Integer}, {@code Boolean} or {@code String}, or for a vector column a copy of the
     * row's {@code float[]}.
     *
     * @throws InvalidArgumentException if there is no such column
     * @throws IndexOutOfBoundsException if the row is outside the batch
     */
    public Object value(String name, int row) {
        Objects.checkIndex(row, rows);
        return valueOf(require(name), row);
    }

    /**
     * The rows as maps of feature name to boxed value, in column order: a read-only view, for
     * code that takes row maps (such as a scorer without a columnar path, or a prediction log).
     */
    public List<Map<String, Object>> asRows() {
        return new AbstractList<>() {
            @Override
            public Map<String, Object> get(int index) {
                return row(index);
            }

            @Override
            public int size() {
                return rows;
            }
        };
    }

    /**
     * One row as a read-only map of feature name to boxed value, in column order. A vector
     * column's value is a fresh copy of the row's {@code float[]} on every read, so that no
     * caller can change the batch; as with any map holding arrays, compare such values with
     * {@link Arrays#equals(float[], float[])}, not by the maps' {@code equals}.
     *
     * @throws IndexOutOfBoundsException if the row is outside the batch
     */
    public Map<String, Object> row(int row) {
        Objects.checkIndex(row, rows);
        return new RowView(row);
    }

    private Object require(String name) {
        Object values = columns.get(name);
        if (values == null) {
            throw new InvalidArgumentException("no column '" + name + "' in this batch; its columns are " + names);
        }
        return values;
    }

    private static Object valueOf(Object values, int row) {
        if (values instanceof float[] a) {
            return a[row];
        } else if (values instanceof double[] a) {
            return a[row];
        } else if (values instanceof long[] a) {
            return a[row];
        } else if (values instanceof int[] a) {
            return a[row];
        } else if (values instanceof boolean[] a) {
            return a[row];
        } else if (values instanceof FloatVectors v) {
            return v.row(row);
        }
        return ((String[]) values)[row];
    }

    /**
     * A vector column: its rows back to back in one array, so a scorer copies the whole batch in
     * one piece. Equal by content, as array columns are compared in {@link #equals}.
     */
    private static final class FloatVectors {
        final float[] flat;
        final int length;
        final int rows;

        FloatVectors(float[] flat, int length, int rows) {
            this.flat = flat;
            this.length = length;
            this.rows = rows;
        }

        /** A copy, so that a caller cannot change the batch through a row it read. */
        float[] row(int row) {
            return Arrays.copyOfRange(flat, row * length, (row + 1) * length);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof FloatVectors that && rows == that.rows && length == that.length
                    && Arrays.equals(flat, that.flat);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * rows + length) + Arrays.hashCode(flat);
        }
    }

    /** Equal when both have the same columns, in the same order, with the same types and values. */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof FeatureColumns that) || rows != that.rows || !names.equals(that.names)) {
            return false;
        }
        for (String name : names) {
            if (!Objects.deepEquals(columns.get(name), that.columns.get(name))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        // deepHashCode hashes each primitive array by content, as deepEquals in equals compares it.
        return 31 * names.hashCode() + Arrays.deepHashCode(columns.values().toArray());
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("FeatureColumns[rows=").append(rows).append(", columns={");
        String separator = "";
        for (String name : names) {
            text.append(separator).append(name).append('=').append(type(name));
            separator = ", ";
        }
        return text.append("}]").toString();
    }

    /** One row of the batch, read from the columns on demand. */
    private final class RowView extends AbstractMap<String, Object> {
        private final int row;

        RowView(int row) {
            this.row = row;
        }

        @Override
        public int size() {
            return names.size();
        }

        @Override
        public boolean containsKey(Object key) {
            return columns.containsKey(key);
        }

        @Override
        public Object get(Object key) {
            Object values = columns.get(key);
            return values == null ? null : valueOf(values, row);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return names.size();
                }

                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < names.size();
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= names.size()) {
                                throw new NoSuchElementException();
                            }
                            String name = names.get(next++);
                            return new SimpleImmutableEntry<>(name, valueOf(columns.get(name), row));
                        }
                    };
                }
            };
        }
    }

    /**
     * Collects the columns of a batch. Adding a name twice, a {@code null} or blank name, a
     * {@code null} array or a {@code null} string fails at once; columns of different lengths fail
     * at {@link #build()}, naming every length. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> columns = new LinkedHashMap<>();

        private Builder() {
        }

        /** A numeric column: one {@code float} per row. */
        public Builder numbers(String name, float[] values) {
            return add(name, values == null ? null : values.clone());
        }

        /** A numeric column: one {@code double} per row. */
        public Builder numbers(String name, double[] values) {
            return add(name, values == null ? null : values.clone());
        }

        /** A numeric column: one {@code long} per row. */
        public Builder numbers(String name, long[] values) {
            return add(name, values == null ? null : values.clone());
        }

        /** A numeric column: one {@code int} per row. */
        public Builder numbers(String name, int[] values) {
            return add(name, values == null ? null : values.clone());
        }

        /** A boolean column: one {@code boolean} per row. */
        public Builder booleans(String name, boolean[] values) {
            return add(name, values == null ? null : values.clone());
        }

        /**
         * A string column: one {@code String} per row.
         *
         * @throws InvalidArgumentException if a value is {@code null}, naming its row
         */
        public Builder strings(String name, String[] values) {
            checkName(name, values);
            // Checked after copying, so that a caller changing its array meanwhile cannot slip a null in.
            String[] copy = values.clone();
            for (int r = 0; r < copy.length; r++) {
                if (copy[r] == null) {
                    throw new InvalidArgumentException("column '" + name + "' is null at row " + r
                            + "; every row needs a String (a model's missing-value category, if it has one)");
                }
            }
            return add(name, copy);
        }

        /**
         * A vector column: one {@code float[]} per row, all of one length, for a model that takes a
         * whole {@code [N, F]} vector per row under this name (its row maps would be
         * {@code Map.of(name, rows[i])}). The rows are copied into one array.
         *
         * @throws InvalidArgumentException if a row is {@code null} or empty, or the rows differ in
         *                                  length, naming the row
         */
        public Builder vectors(String name, float[][] rows) {
            checkName(name, rows);
            float[][] copy = rows.clone();
            int length = copy.length == 0 ? 0 : lengthOf(name, copy, 0);
            float[] flat = new float[flatSize(name, copy.length, length)];
            for (int r = 0; r < copy.length; r++) {
                float[] row = copy[r];
                if (lengthOf(name, copy, r) != length) {
                    throw new InvalidArgumentException("vector column '" + name + "' has " + row.length
                            + " values at row " + r + " but " + length + " at row 0; every row needs the same length");
                }
                System.arraycopy(row, 0, flat, r * length, length);
            }
            return add(name, new FloatVectors(flat, length, copy.length));
        }

        /**
         * A vector column given flat, as embeddings and tensors are often held: row {@code r} is
         * {@code values[r * length]} to {@code values[r * length + length - 1]}. Copied.
         *
         * <pre>{@code
         * builder.vectors("input", embeddings, 384);   // embeddings.length == rows * 384
         * }</pre>
         *
         * @throws InvalidArgumentException if {@code length} is not positive or does not divide
         *                                  {@code values.length}
         */
        public Builder vectors(String name, float[] values, int length) {
            checkName(name, values);
            if (length <= 0 || values.length % length != 0) {
                throw new InvalidArgumentException("vector column '" + name + "' has " + values.length
                        + " values, which is not a whole number of rows of length " + length
                        + "; give a positive length that divides the number of values");
            }
            return add(name, new FloatVectors(values.clone(), length, values.length / length));
        }

        private static int flatSize(String name, int rows, int length) {
            long size = (long) rows * length;
            if (size > Integer.MAX_VALUE - 8) {
                throw new InvalidArgumentException("vector column '" + name + "' has " + rows + " rows of " + length
                        + " values, more than one Java array holds; split the batch");
            }
            return (int) size;
        }

        private static int lengthOf(String name, float[][] rows, int r) {
            if (rows[r] == null) {
                throw new InvalidArgumentException("vector column '" + name + "' is null at row " + r
                        + "; every row needs a float[]");
            }
            if (rows[r].length == 0) {
                throw new InvalidArgumentException("vector column '" + name + "' is empty at row " + r
                        + "; every row needs at least one value");
            }
            return rows[r].length;
        }

        private Builder add(String name, Object values) {
            checkName(name, values);
            columns.put(name, values);
            return this;
        }

        private void checkName(String name, Object values) {
            if (name == null || name.isBlank()) {
                throw new InvalidArgumentException("a column name must not be null or blank, got "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            if (values == null) {
                throw new InvalidArgumentException("column '" + name + "' has a null array of values");
            }
            if (columns.containsKey(name)) {
                throw new InvalidArgumentException("column '" + name + "' was added twice; add each feature once");
            }
        }

        /**
         * The batch.
         *
         * @throws InvalidArgumentException if no column was added or the columns differ in length
         */
        public FeatureColumns build() {
            if (columns.isEmpty()) {
                throw new InvalidArgumentException("a batch needs at least one column");
            }
            Map<String, Integer> lengths = new LinkedHashMap<>();
            columns.forEach((name, values) -> lengths.put(name,
                    values instanceof FloatVectors v ? v.rows : Array.getLength(values)));
            if (lengths.values().stream().distinct().count() > 1) {
                throw new InvalidArgumentException("columns differ in length " + lengths
                        + "; every column needs one value per row");
            }
            int rows = lengths.values().iterator().next();
            // Copied again so that a builder reused after build() cannot change this batch.
            return new FeatureColumns(rows, Collections.unmodifiableMap(new LinkedHashMap<>(columns)));
        }
    }
}
