package io.mlops.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.NanPolicy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;

/**
 * Turns rows of named features into the model's input tensors.
 *
 * <p>Two layouts are understood: one input per feature (each {@code [N]} or {@code [N, 1]}), and a
 * single numeric {@code [N, F]} input whose row is either a vector under the input's name or F
 * named features listed in the model's {@code features} metadata. Any other model is served only
 * through whole tensors; {@link #check()} then explains why.
 *
 * <p>Values are written straight into direct, native-order buffers that ONNX Runtime reads
 * without copying. Buffers for small batches are pooled: allocating a direct buffer per call is
 * what makes {@code createTensor(env, float[][])} slow on the single-row path.
 */
final class RowEncoder {
    /** The smallest pooled buffer size, in rows; pooled sizes double from here. */
    static final int POOLED_ROWS = 64;
    /** Batches above this many rows allocate their buffers; up to it, buffers come from a pool per size class. */
    static final int MAX_POOLED_ROWS = 1024;
    private static final int SIZE_CLASSES = Integer.numberOfTrailingZeros(MAX_POOLED_ROWS / POOLED_ROWS) + 1;
    private static final Set<DataType> ROW_TYPES =
            EnumSet.of(DataType.FLOAT, DataType.DOUBLE, DataType.INT64, DataType.INT32, DataType.STRING, DataType.BOOL);
    private static final Set<DataType> NUMERIC =
            EnumSet.of(DataType.FLOAT, DataType.DOUBLE, DataType.INT64, DataType.INT32);
    private static final int MAX_LISTED = 40;

    /** One model input being filled. */
    private record Slot(String name, DataType type, int width, boolean rank2) {
        int elementBytes() {
            return switch (type) {
                case DOUBLE, INT64 -> 8;
                case FLOAT, INT32 -> 4;
                case BOOL -> 1;
                default -> 0;
            };
        }

        OnnxJavaType javaType() {
            return switch (type) {
                case DOUBLE -> OnnxJavaType.DOUBLE;
                case INT64 -> OnnxJavaType.INT64;
                case FLOAT -> OnnxJavaType.FLOAT;
                case INT32 -> OnnxJavaType.INT32;
                case BOOL -> OnnxJavaType.BOOL;
                default -> throw new IllegalStateException("no buffer type for " + type);
            };
        }
    }

    /**
     * One named feature: which slot and column it fills. The name is interned: row maps are
     * mostly keyed by string literals or constants, which are interned too, so a lookup finds its
     * key by identity instead of comparing characters (profiles showed the comparison).
     */
    private record Feature(String name, int slot, int column) {
        Feature {
            name = name.intern();
        }
    }

    /**
     * Buffers for one batch: a reusable direct buffer per numeric input, and a fresh array per
     * string input for each batch ({@link #freshStrings}). Pooling the string arrays too was
     * slower: a long-lived array sits in the old generation, and every reference stored into it
     * pays the garbage collector's full write barrier, while stores into a new array do not.
     */
    static final class Staging {
        final int capacityRows;
        final ByteBuffer[] numbers;
        final String[][] strings;

        /** A float view of {@code numbers[0]}, made once per buffer rather than once per vector row. */
        private FloatBuffer vectorFloats;
        private ByteBuffer vectorFloatsOf;

        Staging(List<Slot> slots, int capacityRows) {
            this.capacityRows = capacityRows;
            this.numbers = new ByteBuffer[slots.size()];
            this.strings = new String[slots.size()][];
            for (int i = 0; i < slots.size(); i++) {
                Slot s = slots.get(i);
                if (s.type() != DataType.STRING) {
                    // An [N, F] input with F left open gets its buffer once the first row shows F.
                    numbers[i] = ByteBuffer.allocateDirect(capacityRows * Math.max(s.width(), 0) * s.elementBytes())
                            .order(ByteOrder.nativeOrder());
                }
            }
        }

        FloatBuffer vectorFloats() {
            ByteBuffer buffer = numbers[0];
            if (vectorFloatsOf != buffer) {
                vectorFloats = buffer.asFloatBuffer();
                vectorFloatsOf = buffer;
            }
            return vectorFloats;
        }

        /** New string arrays of exactly {@code rows} rows, so the tensors take them without a copy. */
        Staging freshStrings(List<Slot> slots, int rows) {
            for (int i = 0; i < slots.size(); i++) {
                Slot s = slots.get(i);
                if (s.type() == DataType.STRING) {
                    strings[i] = new String[rows * s.width()];
                }
            }
            return this;
        }
    }

    private final String unsupported;
    private final List<Slot> slots;
    private final List<Feature> features;
    private final Map<String, Feature> byName;
    /** In the [N, F] layout, the input name that takes a whole vector; null otherwise. */
    private final String vectorInput;
    /** Whether a row may give {@link #vectorInput} whole: there is one, and no feature has its name. */
    private final boolean vectorByName;
    /** Columns of the [N, F] input; -1 when neither the model nor its metadata says. */
    private final int width;
    private final int fixedBatch;
    private final NanPolicy nanPolicy;
    /** Free staging buffers by size class: 64, 128, ... {@value #MAX_POOLED_ROWS} rows. */
    private final List<ArrayBlockingQueue<Staging>> pools;

    private RowEncoder(String unsupported, List<Slot> slots, List<Feature> features, String vectorInput, int width,
            int fixedBatch, NanPolicy nanPolicy) {
        this.unsupported = unsupported;
        this.slots = slots;
        this.features = features;
        this.byName = new HashMap<>();
        for (Feature f : features) {
            byName.put(f.name(), f);
        }
        this.vectorInput = vectorInput;
        this.vectorByName = vectorInput != null && !byName.containsKey(vectorInput);
        this.width = width;
        this.fixedBatch = fixedBatch;
        this.nanPolicy = nanPolicy;
        // Enough for every core to have a batch in flight and one being prepared.
        int perClass = 2 * Runtime.getRuntime().availableProcessors();
        List<ArrayBlockingQueue<Staging>> classes = new ArrayList<>(SIZE_CLASSES);
        for (int i = 0; i < SIZE_CLASSES; i++) {
            classes.add(new ArrayBlockingQueue<>(perClass));
        }
        this.pools = List.copyOf(classes);
    }

    /**
     * Works out how rows map onto the model's inputs.
     *
     * @throws InvalidArgumentException if the model's {@code features} metadata contradicts its input shape
     */
    static RowEncoder plan(ModelSignature signature, NanPolicy nanPolicy) {
        List<TensorSpec> inputs = signature.inputs();
        if (inputs.isEmpty()) {
            return unsupported("the model has no inputs", nanPolicy);
        }
        String featuresText = signature.metadata().get("features");
        List<String> listed = featuresText == null ? null : JsonStringArray.parse("features", featuresText);

        if (inputs.size() == 1 && isMatrix(inputs.get(0), listed != null)) {
            TensorSpec in = inputs.get(0);
            long declared = in.shape().get(1);
            if (listed != null && declared > 0 && listed.size() != declared) {
                throw new InvalidArgumentException("model metadata 'features' lists " + listed.size()
                        + " names but input '" + in.name() + "' has " + declared + " columns " + in.shape());
            }
            int columns = declared > 0 ? Math.toIntExact(declared) : listed == null ? -1 : listed.size();
            List<Feature> named = new ArrayList<>();
            if (listed != null) {
                for (int c = 0; c < listed.size(); c++) {
                    named.add(new Feature(listed.get(c), 0, c));
                }
                if (named.stream().map(Feature::name).distinct().count() != named.size()) {
                    throw new InvalidArgumentException("model metadata 'features' names a feature twice: " + listed);
                }
            }
            return new RowEncoder(null, List.of(new Slot(in.name(), in.type(), columns, true)), List.copyOf(named),
                    in.name(), columns, batchOf(in), nanPolicy);
        }

        List<Slot> slots = new ArrayList<>();
        List<Feature> named = new ArrayList<>();
        int fixed = 0;
        for (TensorSpec in : inputs) {
            if (!isPerFeature(in)) {
                return unsupported("input " + Signatures.describe(in) + " is neither one feature ([N] or [N, 1] of "
                        + ROW_TYPES + ") nor the only input of shape [N, F]", nanPolicy);
            }
            int batch = batchOf(in);
            if (batch > 0 && fixed > 0 && batch != fixed) {
                return unsupported("inputs declare different fixed batch sizes " + Signatures.describe(inputs),
                        nanPolicy);
            }
            fixed = Math.max(fixed, batch);
            named.add(new Feature(in.name(), slots.size(), 0));
            slots.add(new Slot(in.name(), in.type(), 1, in.shape().size() == 2));
        }
        return new RowEncoder(null, List.copyOf(slots), List.copyOf(named), null, 1, fixed, nanPolicy);
    }

    private static RowEncoder unsupported(String why, NanPolicy nanPolicy) {
        return new RowEncoder(why, List.of(), List.of(), null, 0, 0, nanPolicy);
    }

    private static boolean isMatrix(TensorSpec in, boolean featuresListed) {
        return in.kind() == ValueKind.TENSOR && NUMERIC.contains(in.type()) && in.shape().size() == 2
                && in.shape().get(0) != 0 && (in.shape().get(1) != 1 || featuresListed) && in.shape().get(1) != 0;
    }

    private static boolean isPerFeature(TensorSpec in) {
        List<Long> shape = in.shape();
        return in.kind() == ValueKind.TENSOR && ROW_TYPES.contains(in.type()) && shape.get(0) != 0
                && (shape.size() == 1 || shape.size() == 2 && shape.get(1) == 1);
    }

    /** The declared batch dimension if fixed (converters sometimes write [1, F]), else 0. */
    private static int batchOf(TensorSpec in) {
        long d = in.shape().get(0);
        return d > 0 ? Math.toIntExact(d) : 0;
    }

    /** @throws InvalidArgumentException if the model cannot take rows at all */
    void check() {
        if (unsupported != null) {
            throw new InvalidArgumentException("this model does not take rows of features: " + unsupported
                    + "; call scoreTensors with whole input tensors instead");
        }
    }

    /** The features a row may name, in model order; the vector input when no names are listed. */
    List<FeatureSpec> featureSpecs() {
        if (unsupported != null) {
            return List.of();
        }
        if (vectorInput != null && features.isEmpty()) {
            return List.of(new FeatureSpec(vectorInput, FeatureSpec.FeatureType.NUMBER_VECTOR));
        }
        List<FeatureSpec> specs = new ArrayList<>(features.size());
        for (Feature f : features) {
            DataType type = slots.get(f.slot()).type();
            specs.add(new FeatureSpec(f.name(), type == DataType.STRING ? FeatureSpec.FeatureType.STRING
                    : type == DataType.BOOL ? FeatureSpec.FeatureType.BOOLEAN : FeatureSpec.FeatureType.NUMBER));
        }
        return List.copyOf(specs);
    }

    /** The fixed batch size every run must use, or 0 when any size is accepted. */
    int fixedBatch() {
        return fixedBatch;
    }

    /** What a row may contain, for messages and logs. */
    String describeRows() {
        if (unsupported != null) {
            return "none (" + unsupported + ")";
        }
        if (vectorInput == null) {
            return "one value per input " + names(features);
        }
        String vector = "'" + vectorInput + "' -> " + (width > 0 ? width + " numbers" : "an array of numbers");
        return features.isEmpty() ? vector : names(features) + " or " + vector;
    }

    /**
     * Buffers for a batch of {@code rows}: from the pool of the smallest size class that holds
     * them, so that neither single rows nor typical batches allocate direct memory per call; return
     * them with {@link #giveBack}.
     */
    Staging borrow(int rows) {
        int sizeClass = sizeClass(rows);
        if (sizeClass < 0) {
            return new Staging(slots, rows).freshStrings(slots, rows);
        }
        Staging s = pools.get(sizeClass).poll();
        return (s != null ? s : new Staging(slots, POOLED_ROWS << sizeClass)).freshStrings(slots, rows);
    }

    void giveBack(Staging staging) {
        // The caller's strings are not kept alive by a pooled buffer.
        Arrays.fill(staging.strings, null);
        int sizeClass = sizeClass(staging.capacityRows);
        if (sizeClass >= 0 && staging.capacityRows == POOLED_ROWS << sizeClass) {
            pools.get(sizeClass).offer(staging);
        }
    }

    /** The pool index for a batch of {@code rows}, or -1 when it is too large to pool. */
    private static int sizeClass(int rows) {
        if (rows > MAX_POOLED_ROWS) {
            return -1;
        }
        int units = Math.max(1, (rows + POOLED_ROWS - 1) / POOLED_ROWS);
        return 32 - Integer.numberOfLeadingZeros(units - 1);
    }

    /**
     * Writes rows {@code [from, from + count)} into the staging buffers, then repeats the last one up
     * to {@code tensorRows} (a fixed batch size) so the runtime accepts the shape.
     *
     * @return the number of columns written per row of the [N, F] input (1 for per-feature inputs)
     */
    int encode(List<? extends Map<String, ?>> rows, int from, int count, int tensorRows, Staging staging) {
        int columns = width;
        for (int r = 0; r < count; r++) {
            columns = encodeRow(rows.get(from + r), from + r, r, columns, staging);
        }
        for (int r = count; r < tensorRows; r++) {
            copyRow(count - 1, r, columns, staging);
        }
        return columns;
    }

    /**
     * Whether {@link #encodeColumns} can take this batch: columns named by the model's features, or
     * the one vector column of a model whose input is one {@code [N, F]} FLOAT or DOUBLE tensor.
     * Any other batch (vectors for an integer input, whose whole-number rules the row path
     * applies, or named columns for a model that names no features) is scored through row views,
     * under the row maps' rules and messages.
     */
    boolean takesColumns(FeatureColumns columns) {
        if (unsupported != null) {
            return false;
        }
        if (isVectorBatch(columns)) {
            DataType type = slots.get(0).type();
            return type == DataType.FLOAT || type == DataType.DOUBLE;
        }
        return !features.isEmpty();
    }

    /** The batch is one vector column named as the model's whole [N, F] input. */
    private boolean isVectorBatch(FeatureColumns columns) {
        return vectorByName && columns.names().size() == 1 && columns.contains(vectorInput)
                && columns.type(vectorInput) == FeatureColumns.ColumnType.FLOAT_VECTOR;
    }

    /**
     * Checks the whole batch before anything runs: for a vector batch its length and NaN policy;
     * otherwise a column for every feature and no other, each of a type the input takes, and every value valid under the same rules as for row maps (NaN
     * policy, whole numbers for integer inputs, the INT32 range). Column by column, so the first
     * bad value reported is the first found in column order; it names the column and its row.
     *
     * @throws InvalidArgumentException naming what is wrong and what would be valid
     */
    void checkColumns(FeatureColumns columns) {
        if (isVectorBatch(columns)) {
            checkVectors(columns);
            return;
        }
        List<String> missing = new ArrayList<>();
        for (Feature f : features) {
            if (!columns.contains(f.name())) {
                missing.add(f.name());
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String name : columns.names()) {
            if (!byName.containsKey(name)) {
                unknown.add(name);
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw wrongFeatures("the columns", "lack", missing, "include", unknown);
        }
        for (Feature f : features) {
            checkColumn(columns, f);
        }
    }

    private void checkVectors(FeatureColumns columns) {
        int length = columns.vectorLength(vectorInput);
        if (width >= 0 && length != width) {
            throw new InvalidArgumentException("vector column '" + vectorInput + "' has " + length
                    + " values per row; the model expects " + width);
        }
        if (nanPolicy != NanPolicy.REJECT) {
            return;
        }
        FloatBuffer values = columns.vectors(vectorInput);
        if (mayHoldNaN(values, 0, values.limit())) {
            for (int i = 0; i < values.limit(); i++) {
                if (Float.isNaN(values.get(i))) {
                    throw nanRejected(i / length, columnName(i % length));
                }
            }
        }
    }

    private void checkColumn(FeatureColumns columns, Feature f) {
        Slot slot = slots.get(f.slot());
        String name = f.name();
        FeatureColumns.ColumnType type = columns.type(name);
        boolean fits = switch (slot.type()) {
            case STRING -> type == FeatureColumns.ColumnType.STRING;
            case BOOL -> type == FeatureColumns.ColumnType.BOOLEAN;
            default -> type == FeatureColumns.ColumnType.FLOAT || type == FeatureColumns.ColumnType.DOUBLE
                    || type == FeatureColumns.ColumnType.LONG || type == FeatureColumns.ColumnType.INT;
        };
        if (!fits) {
            throw new InvalidArgumentException("column '" + name + "' holds " + type.javaType() + " values; expected "
                    + expectedColumn(slot.type()));
        }
        int rows = columns.rowCount();
        switch (slot.type()) {
            case FLOAT, DOUBLE -> {
                if (nanPolicy != NanPolicy.REJECT) {
                    return;
                }
                if (type == FeatureColumns.ColumnType.FLOAT) {
                    FloatBuffer values = columns.floats(name);
                    for (int r = 0; r < rows; r++) {
                        if (Float.isNaN(values.get(r))) {
                            throw nanRejected(r, name);
                        }
                    }
                } else if (type == FeatureColumns.ColumnType.DOUBLE) {
                    DoubleBuffer values = columns.doubles(name);
                    for (int r = 0; r < rows; r++) {
                        if (Double.isNaN(values.get(r))) {
                            throw nanRejected(r, name);
                        }
                    }
                }
            }
            case INT64, INT32 -> {
                boolean int32 = slot.type() == DataType.INT32;
                if (type == FeatureColumns.ColumnType.INT || type == FeatureColumns.ColumnType.LONG && !int32) {
                    return; // nothing in such a column can be refused
                }
                Numbers numbers = Numbers.of(columns, name, type);
                for (int r = 0; r < rows; r++) {
                    long v = numbers.whole(r, name, slot);
                    if (int32) {
                        int32(v, r, name, slot);
                    }
                }
            }
            default -> {
                // STRING and BOOL columns hold nothing invalid once their type fits.
            }
        }
    }

    /**
     * Writes rows {@code [from, from + count)} of a batch already passed by {@link #checkColumns},
     * then pads to {@code tensorRows} as {@link #encode} does. Each column is read in one pass
     * from the batch's typed view: no map lookups, no boxing.
     *
     * @return the number of columns written per row of the [N, F] input (1 for per-feature inputs)
     */
    int encodeColumns(FeatureColumns columns, int from, int count, int tensorRows, Staging staging) {
        int written = width;
        if (isVectorBatch(columns)) {
            written = columns.vectorLength(vectorInput);
            if (width < 0) {
                ensureCapacity(staging, written);
            }
            FloatBuffer values = columns.vectors(vectorInput);
            if (slots.get(0).type() == DataType.FLOAT) {
                staging.vectorFloats().put(0, values, from * written, count * written);
            } else {
                // DOUBLE: widening a float is exact.
                ByteBuffer buffer = staging.numbers[0];
                int first = from * written;
                for (int i = 0; i < count * written; i++) {
                    buffer.putDouble(i * 8, values.get(first + i));
                }
            }
        } else {
            for (Feature f : features) {
                writeColumn(columns, f, from, count, staging);
            }
        }
        for (int r = count; r < tensorRows; r++) {
            copyRow(count - 1, r, written, staging);
        }
        return written;
    }

    private void writeColumn(FeatureColumns columns, Feature f, int from, int count, Staging staging) {
        Slot slot = slots.get(f.slot());
        String name = f.name();
        FeatureColumns.ColumnType type = columns.type(name);
        if (slot.type() == DataType.STRING) {
            // Per-feature string inputs are [N] or [N, 1]: the column is contiguous in this batch's
            // string array, and one bulk copy fills it.
            columns.copyStrings(name, from, staging.strings[f.slot()], 0, count);
            return;
        }
        ByteBuffer buffer = staging.numbers[f.slot()];
        int stride = slot.width();
        int column = f.column();
        switch (slot.type()) {
            case BOOL -> {
                List<Boolean> flags = columns.booleans(name);
                for (int r = 0; r < count; r++) {
                    buffer.put(r * stride + column, (byte) (flags.get(from + r) ? 1 : 0));
                }
            }
            case FLOAT -> {
                if (type == FeatureColumns.ColumnType.FLOAT && stride == 1) {
                    buffer.asFloatBuffer().put(0, columns.floats(name), from, count);
                    return;
                }
                Numbers numbers = Numbers.of(columns, name, type);
                for (int r = 0; r < count; r++) {
                    buffer.putFloat((r * stride + column) * 4, (float) numbers.real(from + r));
                }
            }
            case DOUBLE -> {
                Numbers numbers = Numbers.of(columns, name, type);
                for (int r = 0; r < count; r++) {
                    buffer.putDouble((r * stride + column) * 8, numbers.real(from + r));
                }
            }
            case INT64 -> {
                Numbers numbers = Numbers.of(columns, name, type);
                for (int r = 0; r < count; r++) {
                    buffer.putLong((r * stride + column) * 8, numbers.whole(from + r, name, slot));
                }
            }
            case INT32 -> {
                Numbers numbers = Numbers.of(columns, name, type);
                for (int r = 0; r < count; r++) {
                    // In range: checkColumns has seen every value.
                    buffer.putInt((r * stride + column) * 4, (int) numbers.whole(from + r, name, slot));
                }
            }
            default -> throw new IllegalStateException("unexpected row input type " + slot.type());
        }
    }

    private static String expectedColumn(DataType type) {
        return switch (type) {
            case STRING -> "String values (model type STRING)";
            case BOOL -> "boolean values (model type BOOL)";
            case INT64, INT32 -> "whole numbers: long or int values, or float or double values without a fraction"
                    + " (model type " + type + ")";
            default -> "float, double, long or int values (model type " + type + ")";
        };
    }

    /**
     * A numeric column of any Java type, read by row without boxing; made once per column.
     *
     * @param real  the value as a double
     * @param exact the value as a long for {@code long} and {@code int} columns; null for
     *              {@code float} and {@code double} columns, whose values must be checked whole
     * @param boxed the value as the caller gave it, for messages
     */
    private record Numbers(IntToDoubleFunction real, IntToLongFunction exact, IntFunction<Object> boxed) {

        static Numbers of(FeatureColumns columns, String name, FeatureColumns.ColumnType type) {
            switch (type) {
                case FLOAT -> {
                    FloatBuffer values = columns.floats(name);
                    return new Numbers(values::get, null, values::get);
                }
                case DOUBLE -> {
                    DoubleBuffer values = columns.doubles(name);
                    return new Numbers(values::get, null, values::get);
                }
                case LONG -> {
                    LongBuffer values = columns.longs(name);
                    return new Numbers(values::get, values::get, values::get);
                }
                case INT -> {
                    IntBuffer values = columns.ints(name);
                    return new Numbers(values::get, values::get, values::get);
                }
                default -> throw new IllegalStateException("not a numeric column: " + type);
            }
        }

        double real(int row) {
            return real.applyAsDouble(row);
        }

        /** Whole numbers only, as for row maps: 2.7 is refused, 2.0 is taken as 2. */
        long whole(int row, String feature, Slot slot) {
            if (exact != null) {
                return exact.applyAsLong(row);
            }
            double d = real.applyAsDouble(row);
            if (isWhole(d)) {
                return (long) d;
            }
            throw notWhole(row, feature, boxed.apply(row), slot);
        }
    }

    private int encodeRow(Map<String, ?> row, int rowIndex, int at, int columns, Staging staging) {
        if (row == null) {
            throw new InvalidArgumentException("row " + rowIndex + " is null; expected a map of " + describeRows());
        }
        Object vector = vectorByName ? row.get(vectorInput) : null;
        if (vector != null || vectorByName && row.containsKey(vectorInput)) {
            if (row.size() != 1) {
                List<String> others = new ArrayList<>(row.keySet());
                others.remove(vectorInput);
                throw new InvalidArgumentException("row " + rowIndex + " gives the whole vector '" + vectorInput
                        + "' and also the features " + limit(others) + "; give one or the other");
            }
            return encodeVector(vector, rowIndex, at, columns, staging);
        }
        if (features.isEmpty()) {
            throw new InvalidArgumentException("row " + rowIndex + " has features " + limit(row.keySet())
                    + " but the model takes only '" + vectorInput + "' with " + (width > 0 ? width : "an array of")
                    + " numbers (its metadata lists no 'features' to name them by)");
        }
        int found = 0;
        List<String> missing = null;
        for (Feature f : features) {
            Object value = row.get(f.name());
            if (value == null) {
                if (!row.containsKey(f.name())) {
                    if (missing == null) {
                        missing = new ArrayList<>();
                    }
                    missing.add(f.name());
                    continue;
                }
                Slot slot = slots.get(f.slot());
                throw new InvalidArgumentException("row " + rowIndex + ": feature '" + f.name() + "' is null; expected "
                        + expected(slot.type()));
            }
            found++;
            Slot slot = slots.get(f.slot());
            write(staging, f.slot(), slot, at * slot.width() + f.column(), value, rowIndex, f.name());
        }
        if (missing != null || found != row.size()) {
            throw wrongKeys(row, rowIndex, missing);
        }
        return columns;
    }

    private InvalidArgumentException wrongKeys(Map<String, ?> row, int rowIndex, List<String> missing) {
        List<String> unknown = new ArrayList<>();
        for (Object key : row.keySet()) {
            if (!(key instanceof String s) || !byName.containsKey(s)) {
                unknown.add(String.valueOf(key));
            }
        }
        return wrongFeatures("row " + rowIndex, "is missing", missing == null ? List.of() : missing, "has", unknown);
    }

    /** "{subject} {lack} feature(s) [..] and {have} unknown feature(s) [..]; the model expects ..." */
    private InvalidArgumentException wrongFeatures(String subject, String lack, List<String> missing, String have,
            List<String> unknown) {
        StringBuilder msg = new StringBuilder(subject);
        if (!missing.isEmpty()) {
            msg.append(' ').append(lack).append(" feature").append(missing.size() == 1 ? " " : "s ")
                    .append(limit(missing));
        }
        if (!unknown.isEmpty()) {
            msg.append(missing.isEmpty() ? "" : " and").append(' ').append(have).append(" unknown feature")
                    .append(unknown.size() == 1 ? " " : "s ").append(limit(unknown));
        }
        msg.append("; the model expects ").append(describeRows());
        return new InvalidArgumentException(msg.toString());
    }

    private int encodeVector(Object value, int rowIndex, int at, int columns, Staging staging) {
        int length = vectorLength(value);
        if (length < 0) {
            throw new InvalidArgumentException("row " + rowIndex + ": '" + vectorInput + "' is " + describeValue(value)
                    + "; expected float[], double[], long[], int[] or a List of numbers"
                    + (columns > 0 ? " of length " + columns : ""));
        }
        if (columns < 0) {
            // The model leaves F open: the first row fixes it for the batch.
            if (length == 0) {
                throw new InvalidArgumentException("row " + rowIndex + ": '" + vectorInput + "' is empty");
            }
            columns = length;
            ensureCapacity(staging, columns);
        } else if (length != columns) {
            throw new InvalidArgumentException("row " + rowIndex + ": '" + vectorInput + "' has " + length
                    + " values; the model expects " + columns + (width < 0 ? " (as in the batch's first row)" : ""));
        }
        Slot slot = slots.get(0);
        int base = at * columns;
        if (value instanceof float[] floats && slot.type() == DataType.FLOAT) {
            rejectNaN(floats, rowIndex);
            staging.vectorFloats().put(base, floats);
            return columns;
        }
        if (value instanceof double[] doubles && (slot.type() == DataType.FLOAT || slot.type() == DataType.DOUBLE)) {
            rejectNaN(doubles, rowIndex);
            if (slot.type() == DataType.DOUBLE) {
                staging.numbers[0].asDoubleBuffer().put(base, doubles);
            } else {
                ByteBuffer buffer = staging.numbers[0];
                for (int c = 0; c < columns; c++) {
                    buffer.putFloat((base + c) * 4, (float) doubles[c]);
                }
            }
            return columns;
        }
        for (int c = 0; c < columns; c++) {
            Object element = element(value, c);
            if (element == null) {
                throw new InvalidArgumentException("row " + rowIndex + ": " + columnName(c) + " is null; expected "
                        + expected(slot.type()));
            }
            try {
                write(staging, 0, slot, base + c, element, rowIndex, vectorInput);
            } catch (InvalidArgumentException e) {
                // The column's name is built only when something is wrong with it: building it for
                // every element was a measurable part of scoring a vector row.
                throw new InvalidArgumentException(e.getMessage().replace(quoted(vectorInput), columnName(c)), e);
            }
        }
        return columns;
    }

    private void rejectNaN(float[] values, int rowIndex) {
        if (nanPolicy == NanPolicy.REJECT && mayHoldNaN(FloatBuffer.wrap(values), 0, values.length)) {
            for (int c = 0; c < values.length; c++) {
                if (Float.isNaN(values[c])) {
                    throw nanRejected(rowIndex, columnName(c));
                }
            }
        }
    }

    private void rejectNaN(double[] values, int rowIndex) {
        if (nanPolicy == NanPolicy.REJECT) {
            for (int c = 0; c < values.length; c++) {
                if (Double.isNaN(values[c])) {
                    throw nanRejected(rowIndex, columnName(c));
                }
            }
        }
    }

    /**
     * False guarantees that no value is NaN; true means a NaN or an infinity may be there, and
     * sends the caller to the exact test. A sum of {@code v * 0} is NaN exactly when some value is
     * NaN or infinite; eight independent sums keep the adds from waiting on each other and run in
     * about two thirds of the time of testing each value, which counts on a 64-wide vector per row.
     */
    private static boolean mayHoldNaN(FloatBuffer values, int from, int to) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int i = from;
        for (; i + 7 < to; i += 8) {
            s0 += values.get(i) * 0f;
            s1 += values.get(i + 1) * 0f;
            s2 += values.get(i + 2) * 0f;
            s3 += values.get(i + 3) * 0f;
            s4 += values.get(i + 4) * 0f;
            s5 += values.get(i + 5) * 0f;
            s6 += values.get(i + 6) * 0f;
            s7 += values.get(i + 7) * 0f;
        }
        for (; i < to; i++) {
            s0 += values.get(i) * 0f;
        }
        return Float.isNaN(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
    }

    private static InvalidArgumentException nanRejected(int rowIndex, String feature) {
        return new InvalidArgumentException("row " + rowIndex + ": " + quoted(feature)
                + " is NaN, which NanPolicy.REJECT refuses; give a number, or score with NanPolicy.PASS_THROUGH"
                + " if the model treats NaN as missing");
    }

    private void ensureCapacity(Staging staging, int columns) {
        long bytes = (long) staging.capacityRows * columns * slots.get(0).elementBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("a batch of up to " + staging.capacityRows + " rows of " + columns
                    + " values does not fit one input buffer (2 GiB); score smaller batches");
        }
        if (staging.numbers[0].capacity() < bytes) {
            staging.numbers[0] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            staging.vectorFloats = null; // let the old buffer go with its view
            staging.vectorFloatsOf = null;
        }
    }

    private String columnName(int c) {
        return features.isEmpty() ? "'" + vectorInput + "'[" + c + "]"
                : "feature '" + features.get(c).name() + "' ('" + vectorInput + "'[" + c + "])";
    }

    private static int vectorLength(Object v) {
        if (v instanceof float[] a) {
            return a.length;
        } else if (v instanceof double[] a) {
            return a.length;
        } else if (v instanceof long[] a) {
            return a.length;
        } else if (v instanceof int[] a) {
            return a.length;
        } else if (v instanceof Number[] a) {
            return a.length;
        } else if (v instanceof List<?> l) {
            return l.size();
        }
        return -1;
    }

    private static Object element(Object v, int i) {
        if (v instanceof float[] a) {
            return a[i];
        } else if (v instanceof double[] a) {
            return a[i];
        } else if (v instanceof long[] a) {
            return a[i];
        } else if (v instanceof int[] a) {
            return a[i];
        } else if (v instanceof Number[] a) {
            return a[i];
        }
        return ((List<?>) v).get(i);
    }

    private void write(Staging staging, int slotIndex, Slot slot, int index, Object value, int rowIndex,
            String feature) {
        switch (slot.type()) {
            case STRING -> {
                if (!(value instanceof CharSequence text)) {
                    throw mistyped(rowIndex, feature, value, slot.type());
                }
                staging.strings[slotIndex][index] = text.toString();
            }
            case BOOL -> {
                if (!(value instanceof Boolean b)) {
                    throw mistyped(rowIndex, feature, value, slot.type());
                }
                staging.numbers[slotIndex].put(index, (byte) (b ? 1 : 0));
            }
            case FLOAT -> staging.numbers[slotIndex].putFloat(index * 4, (float) real(value, rowIndex, feature, slot));
            case DOUBLE -> staging.numbers[slotIndex].putDouble(index * 8, real(value, rowIndex, feature, slot));
            case INT64 -> staging.numbers[slotIndex].putLong(index * 8, integral(value, rowIndex, feature, slot));
            case INT32 -> staging.numbers[slotIndex].putInt(index * 4,
                    int32(integral(value, rowIndex, feature, slot), rowIndex, feature, slot));
            default -> throw new IllegalStateException("unexpected row input type " + slot.type());
        }
    }

    private double real(Object value, int rowIndex, String feature, Slot slot) {
        if (!(value instanceof Number n)) {
            throw mistyped(rowIndex, feature, value, slot.type());
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) && nanPolicy == NanPolicy.REJECT) {
            throw nanRejected(rowIndex, feature);
        }
        return d;
    }

    /** Whole numbers only: silently truncating 2.7 to 2 would score a different customer. */
    private static long integral(Object value, int rowIndex, String feature, Slot slot) {
        if (!(value instanceof Number n)) {
            throw mistyped(rowIndex, feature, value, slot.type());
        }
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof AtomicLong || n instanceof AtomicInteger) {
            return n.longValue();
        }
        if (n instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if (n instanceof BigDecimal b) {
            try {
                return b.longValueExact();
            } catch (ArithmeticException e) {
                throw notWhole(rowIndex, feature, value, slot);
            }
        }
        double d = n.doubleValue();
        if (isWhole(d)) {
            return (long) d;
        }
        throw notWhole(rowIndex, feature, value, slot);
    }

    /** Whether a double is a whole number a long can hold: 2.0 is, 2.7, NaN and 2^63 are not. */
    private static boolean isWhole(double d) {
        return d == Math.rint(d) && Math.abs(d) < 0x1p63;
    }

    /** An INT32 input's range, for values that passed as whole numbers. */
    private static int int32(long v, int rowIndex, String feature, Slot slot) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("row " + rowIndex + ": " + quoted(feature) + " is " + v
                    + ", outside the INT32 range of the model's input '" + slot.name() + "'");
        }
        return (int) v;
    }

    private static InvalidArgumentException notWhole(int rowIndex, String feature, Object value, Slot slot) {
        return new InvalidArgumentException("row " + rowIndex + ": " + quoted(feature) + " is " + describeValue(value)
                + ", expected a whole number for the model's " + slot.type() + " input '" + slot.name() + "'");
    }

    private static InvalidArgumentException mistyped(int rowIndex, String feature, Object value, DataType type) {
        return new InvalidArgumentException("row " + rowIndex + ": " + quoted(feature) + " is " + describeValue(value)
                + ", expected " + expected(type));
    }

    private static String quoted(String feature) {
        return feature.startsWith("feature '") || feature.startsWith("'") ? feature : "feature '" + feature + "'";
    }

    private static String expected(DataType type) {
        return switch (type) {
            case STRING -> "a String (model type STRING)";
            case BOOL -> "a Boolean (model type BOOL)";
            case INT64, INT32 -> "a whole Number (model type " + type + ")";
            default -> "a Number (model type " + type + ")";
        };
    }

    static String describeValue(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
        if (value.getClass().isArray()) {
            text = value.getClass().getSimpleName();
            return "a " + text;
        }
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return "a " + value.getClass().getSimpleName() + " (" + text + ")";
    }

    private void copyRow(int fromRow, int toRow, int columns, Staging staging) {
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            int w = s.width() > 0 ? s.width() : columns;
            if (s.type() == DataType.STRING) {
                System.arraycopy(staging.strings[i], fromRow * w, staging.strings[i], toRow * w, w);
            } else {
                int bytes = w * s.elementBytes();
                ByteBuffer buf = staging.numbers[i];
                for (int b = 0; b < bytes; b++) {
                    buf.put(toRow * bytes + b, buf.get(fromRow * bytes + b));
                }
            }
        }
    }

    /**
     * Wraps the staged values as tensors of {@code tensorRows} rows. The caller closes them; the
     * tensors read the staging buffers in place, so they must be closed before it is reused.
     */
    Map<String, OnnxTensor> tensors(OrtEnvironment env, Staging staging, int tensorRows, int columns)
            throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (int i = 0; i < slots.size(); i++) {
                Slot s = slots.get(i);
                int w = s.width() > 0 ? s.width() : columns;
                long[] shape = s.rank2() ? new long[] {tensorRows, w} : new long[] {tensorRows};
                OnnxTensor t;
                if (s.type() == DataType.STRING) {
                    // Exactly tensorRows * w long: borrow() sizes string arrays for the batch.
                    t = OnnxTensor.createTensor(env, staging.strings[i], shape);
                } else {
                    ByteBuffer view = staging.numbers[i].duplicate().order(ByteOrder.nativeOrder());
                    view.position(0).limit(tensorRows * w * s.elementBytes());
                    t = OnnxTensor.createTensor(env, view.slice().order(ByteOrder.nativeOrder()), shape, s.javaType());
                }
                tensors.put(s.name(), t);
            }
            return tensors;
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private static String names(Collection<Feature> features) {
        List<String> names = new ArrayList<>(features.size());
        for (Feature f : features) {
            names.add(f.name());
        }
        return limit(names);
    }

    /** Lists at most {@value #MAX_LISTED} names so a 5,000-feature model does not produce a 100 kB message. */
    static String limit(Collection<?> names) {
        if (names.size() <= MAX_LISTED) {
            return names.toString();
        }
        List<String> head = new ArrayList<>();
        for (Object n : names) {
            if (head.size() == MAX_LISTED) {
                break;
            }
            head.add(String.valueOf(n));
        }
        return "[" + String.join(", ", head) + ", ... " + (names.size() - MAX_LISTED) + " more]";
    }
}
