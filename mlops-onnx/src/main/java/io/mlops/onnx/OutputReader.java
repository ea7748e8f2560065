package io.mlops.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.mlops.api.MlopsException;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a run's outputs into one {@link Prediction} per row.
 *
 * <p>The interpretation is chosen once from the declared output types: a label output (a
 * {@code STRING} or {@code INT64} tensor of one value per row) makes a classifier, with
 * probabilities from the first ZipMap ({@code seq(map)}) output or else the first
 * {@code FLOAT}/{@code DOUBLE} {@code [N, C]} tensor; a model whose only output is one
 * {@code FLOAT}/{@code DOUBLE} tensor is a regressor, unless its metadata lists {@code classes},
 * which makes that tensor class probabilities and the label their arg-max. Everything else is raw.
 * Row slicing uses the shapes the runtime returns, since declared shapes are sometimes wrong.
 */
final class OutputReader {
    private final List<String> names;
    private final PredictionKind kind;
    private final int label;
    private final int probabilities;
    /** A ZipMap output whose keys can name tensor probability columns; -1 when none. */
    private final int zipMap;
    /** The model's {@code classes} metadata; null when absent. */
    private final List<String> classes;
    /** {@code classes} as ready-made labels, so an arg-max row allocates no label of its own. */
    private final List<Optional<String>> classLabels;

    private OutputReader(List<String> names, PredictionKind kind, int label, int probabilities, int zipMap,
            List<String> classes) {
        this.names = names;
        this.kind = kind;
        this.label = label;
        this.probabilities = probabilities;
        this.zipMap = zipMap;
        this.classes = classes;
        this.classLabels = classes == null ? null : classes.stream().map(Optional::of).toList();
    }

    static OutputReader plan(ModelSignature signature) {
        List<TensorSpec> outs = signature.outputs();
        String classesText = signature.metadata().get("classes");
        List<String> classes = classesText == null ? null : JsonStringArray.parse("classes", classesText);
        List<String> names = new ArrayList<>();
        int label = -1;
        int zipMap = -1;
        int matrix = -1;
        for (int i = 0; i < outs.size(); i++) {
            TensorSpec o = outs.get(i);
            names.add(o.name());
            if (label < 0 && isLabel(o)) {
                label = i;
            } else if (zipMap < 0 && o.kind() == ValueKind.SEQUENCE_OF_MAPS && isReal(o.type())) {
                zipMap = i;
            } else if (matrix < 0 && o.kind() == ValueKind.TENSOR && isReal(o.type()) && o.shape().size() == 2) {
                matrix = i;
            }
        }
        PredictionKind kind;
        int probabilities = zipMap >= 0 ? zipMap : matrix;
        if (label >= 0) {
            kind = PredictionKind.CLASSIFICATION;
        } else if (outs.size() == 1 && outs.get(0).kind() == ValueKind.TENSOR && isReal(outs.get(0).type())) {
            kind = classes != null && matrix == 0 ? PredictionKind.CLASSIFICATION : PredictionKind.REGRESSION;
        } else {
            kind = PredictionKind.RAW;
        }
        return new OutputReader(List.copyOf(names), kind, label, probabilities, zipMap, classes);
    }

    private static boolean isLabel(TensorSpec o) {
        List<Long> shape = o.shape();
        return o.kind() == ValueKind.TENSOR && (o.type() == DataType.STRING || o.type() == DataType.INT64)
                && (shape.size() == 1 || shape.size() == 2 && (shape.get(1) == 1 || shape.get(1) == -1));
    }

    private static boolean isReal(DataType t) {
        return t == DataType.FLOAT || t == DataType.DOUBLE;
    }

    /** How outputs are read, for logs. */
    String describe() {
        return switch (kind) {
            case CLASSIFICATION -> label >= 0
                    ? "classification (label '" + names.get(label) + "'"
                            + (probabilities >= 0 ? ", probabilities '" + names.get(probabilities) + "')" : ")")
                    : "classification (arg-max of '" + names.get(0) + "' over metadata classes)";
            case REGRESSION -> "regression ('" + names.get(0) + "')";
            case RAW -> "raw outputs " + names;
        };
    }

    /** Reads the first {@code rows} of a run over {@code tensorRows} rows (the rest is padding). */
    List<Prediction> read(OrtSession.Result result, int rows, int tensorRows) throws OrtException {
        Column[] columns = new Column[names.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = Column.of(result.get(i), tensorRows);
        }
        List<Prediction> predictions = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            predictions.add(predict(columns, r));
        }
        return predictions;
    }

    private Prediction predict(Column[] columns, int r) {
        Map<String, Object> outputs = new FixedKeyMap<>(names) {
            /** Values read so far: array values are copies, and one key must keep giving one object. */
            private Object[] read;

            @Override
            Object valueAt(int i) {
                // Unsynchronized on purpose: two threads racing at most make two equal copies.
                Object[] values = read;
                if (values == null) {
                    values = new Object[columns.length];
                    read = values;
                }
                Object value = values[i];
                if (value == null) {
                    value = columns[i].value(r);
                    values[i] = value;
                }
                return value;
            }
        };
        switch (kind) {
            case CLASSIFICATION -> {
                if (label >= 0) {
                    Column l = columns[label];
                    if (!l.scalar) {
                        break;
                    }
                    Map<String, Double> probs = probabilities < 0 ? Map.of() : probabilities(columns, r);
                    if (probs == null) {
                        break;
                    }
                    return new Prediction(kind, Optional.of(l.label(r)), probs, List.of(), outputs);
                }
                Column p = columns[0];
                if (!p.batched) {
                    break;
                }
                List<String> classNames = classNames(columns, r, p.width);
                int best = p.argMax(r);
                Optional<String> label = classes != null ? classLabels.get(best) : Optional.of(classNames.get(best));
                return new Prediction(kind, label, FixedKeyMap.realRow(classNames, p.flat, r), List.of(), outputs);
            }
            case REGRESSION -> {
                Column c = columns[0];
                if (c.batched) {
                    List<Double> boxed = new ArrayList<>(c.width);
                    for (int i = 0; i < c.width; i++) {
                        boxed.add(c.real(r, i));
                    }
                    return new Prediction(kind, Optional.empty(), Map.of(), boxed, outputs);
                }
            }
            case RAW -> {
            }
        }
        // Declared types promised an interpretation the runtime's shapes do not support.
        return new Prediction(PredictionKind.RAW, Optional.empty(), Map.of(), List.of(), outputs);
    }

    private Map<String, Double> probabilities(Column[] columns, int r) {
        Column p = columns[probabilities];
        if (!p.batched) {
            return null;
        }
        if (p.maps != null) {
            Map<?, ?> row = p.maps.get(r);
            Map<String, Double> probs = new LinkedHashMap<>();
            if (classes != null && classes.size() == row.size() && sameKeys(row, classes)) {
                for (String c : classes) {
                    probs.put(c, ((Number) lookup(row, c)).doubleValue());
                }
            } else {
                row.forEach((k, v) -> probs.put(String.valueOf(k), ((Number) v).doubleValue()));
            }
            return Collections.unmodifiableMap(probs);
        }
        return FixedKeyMap.realRow(classNames(columns, r, p.width), p.flat, r);
    }

    private List<String> classNames(Column[] columns, int r, int count) {
        if (classes != null) {
            if (classes.size() != count) {
                throw new MlopsException("model metadata 'classes' lists " + classes.size() + " classes " + classes
                        + " but output '" + names.get(probabilities) + "' has " + count + " probability columns");
            }
            return classes;
        }
        if (zipMap >= 0 && columns[zipMap].batched && columns[zipMap].maps.get(r).size() == count) {
            List<String> keys = new ArrayList<>(count);
            columns[zipMap].maps.get(r).keySet().forEach(k -> keys.add(String.valueOf(k)));
            return keys;
        }
        List<String> indices = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            indices.add(Integer.toString(c));
        }
        return indices;
    }

    private static boolean sameKeys(Map<?, ?> row, List<String> classes) {
        for (String c : classes) {
            if (lookup(row, c) == null) {
                return false;
            }
        }
        return true;
    }

    /** ZipMap keys are Long for int64 labels, but classes metadata is text. */
    private static Object lookup(Map<?, ?> row, String key) {
        Object v = row.get(key);
        if (v == null) {
            try {
                v = row.get(Long.valueOf(key));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return v;
    }

    /** One output of a run, read out of native memory so the result can be closed. */
    private static final class Column {
        /** The first dimension is the batch, so each row has its own slice. */
        final boolean batched;
        /** One value per row ({@code [N]} or {@code [N, 1]}): rows get a boxed scalar. */
        final boolean scalar;
        final int width;
        /** Row-major values as a primitive array (or {@code String[]}) for batched tensors. */
        final Object flat;
        /** ZipMap rows for batched sequences of maps. */
        final List<Map<?, ?>> maps;
        /** The whole value, for outputs not split by row. */
        final Object whole;

        private Column(boolean batched, boolean scalar, int width, Object flat, List<Map<?, ?>> maps, Object whole) {
            this.batched = batched;
            this.scalar = scalar;
            this.width = width;
            this.flat = flat;
            this.maps = maps;
            this.whole = whole;
        }

        static Column of(OnnxValue value, int tensorRows) throws OrtException {
            if (value instanceof OnnxTensor t) {
                long[] shape = t.getInfo().getShape();
                Object flat = flat(t);
                if (flat != null && shape.length >= 1 && shape[0] == tensorRows) {
                    int width = tensorRows == 0 ? 0 : Array.getLength(flat) / tensorRows;
                    boolean scalar = shape.length == 1 || shape.length == 2 && shape[1] == 1;
                    return new Column(true, scalar, width, flat, null, null);
                }
                return new Column(false, false, 0, null, null, t.getValue());
            }
            Object whole = toJava(value);
            if (value instanceof OnnxSequence s && s.getInfo().isSequenceOfMaps()) {
                @SuppressWarnings("unchecked")
                List<Map<?, ?>> maps = (List<Map<?, ?>>) whole;
                if (maps.size() == tensorRows) {
                    return new Column(true, false, 0, null, maps, null);
                }
            }
            return new Column(false, false, 0, null, null, whole);
        }

        Object value(int r) {
            if (!batched) {
                return deepCopy(whole);
            }
            if (maps != null) {
                return maps.get(r);
            }
            if (scalar) {
                return scalarAt(r);
            }
            int from = r * width;
            if (flat instanceof float[] f) {
                return Arrays.copyOfRange(f, from, from + width);
            } else if (flat instanceof double[] d) {
                return Arrays.copyOfRange(d, from, from + width);
            } else if (flat instanceof long[] l) {
                return Arrays.copyOfRange(l, from, from + width);
            }
            Object slice = Array.newInstance(flat.getClass().getComponentType(), width);
            System.arraycopy(flat, from, slice, 0, width);
            return slice;
        }

        String label(int r) {
            return flat instanceof String[] strings ? strings[r] : String.valueOf(scalarAt(r));
        }

        /** One row's value of a one-value-per-row column; the usual types without reflection. */
        private Object scalarAt(int r) {
            if (flat instanceof String[] a) {
                return a[r];
            } else if (flat instanceof float[] a) {
                return a[r];
            } else if (flat instanceof long[] a) {
                return a[r];
            } else if (flat instanceof double[] a) {
                return a[r];
            }
            return Array.get(flat, r);
        }

        /**
         * The first column of row {@code r} holding the largest value: ties keep the first; a NaN
         * never wins against an earlier column, since no comparison with it is true.
         */
        int argMax(int r) {
            int from = r * width;
            int best = 0;
            if (flat instanceof float[] f) {
                for (int c = 1; c < width; c++) {
                    if (f[from + c] > f[from + best]) {
                        best = c;
                    }
                }
                return best;
            }
            for (int c = 1; c < width; c++) {
                if (real(r, c) > real(r, best)) {
                    best = c;
                }
            }
            return best;
        }

        /** Column {@code c} of row {@code r} of a real-valued output. */
        double real(int r, int c) {
            if (flat instanceof float[] f) {
                return f[r * width + c];
            } else if (flat instanceof double[] d) {
                return d[r * width + c];
            }
            throw new IllegalStateException("not a real-valued output: " + flat.getClass().getSimpleName());
        }

        /** All elements row-major, or null for element types read only as a whole. */
        private static Object flat(OnnxTensor t) throws OrtException {
            TensorInfo info = t.getInfo();
            switch (info.type) {
                case FLOAT -> {
                    FloatBuffer b = t.getFloatBuffer();
                    float[] a = new float[b.remaining()];
                    b.get(a);
                    return a;
                }
                case DOUBLE -> {
                    DoubleBuffer b = t.getDoubleBuffer();
                    double[] a = new double[b.remaining()];
                    b.get(a);
                    return a;
                }
                case INT64 -> {
                    LongBuffer b = t.getLongBuffer();
                    long[] a = new long[b.remaining()];
                    b.get(a);
                    return a;
                }
                case INT32 -> {
                    IntBuffer b = t.getIntBuffer();
                    int[] a = new int[b.remaining()];
                    b.get(a);
                    return a;
                }
                case INT16 -> {
                    ShortBuffer b = t.getShortBuffer();
                    short[] a = new short[b.remaining()];
                    b.get(a);
                    return a;
                }
                case INT8, UINT8 -> {
                    ByteBuffer b = t.getByteBuffer();
                    byte[] a = new byte[b.remaining()];
                    b.get(a);
                    return a;
                }
                case BOOL -> {
                    ByteBuffer b = t.getByteBuffer();
                    boolean[] a = new boolean[b.remaining()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = b.get(i) != 0;
                    }
                    return a;
                }
                case STRING -> {
                    if (info.getShape().length == 0) {
                        return null;
                    }
                    Object value = t.getValue();
                    if (value instanceof String[] flat) {
                        return flat; // rank 1, the usual label output: already flat
                    }
                    List<String> all = new ArrayList<>();
                    flattenStrings(value, all);
                    return all.toArray(new String[0]);
                }
                default -> {
                    return null;
                }
            }
        }

        private static void flattenStrings(Object value, List<String> into) {
            if (value instanceof String s) {
                into.add(s);
            } else {
                for (Object o : (Object[]) value) {
                    flattenStrings(o, into);
                }
            }
        }
    }

    /**
     * Converts any runtime value to plain Java: tensors to (nested) arrays, sequences to lists, maps
     * to maps with keys in ascending order. Values handed out by a sequence are closed here.
     */
    static Object toJava(OnnxValue value) throws OrtException {
        if (value instanceof OnnxTensor t) {
            return t.getValue();
        }
        if (value instanceof OnnxMap m) {
            return sortedMap(m.getValue());
        }
        if (value instanceof OnnxSequence s) {
            List<? extends OnnxValue> elements = s.getValue();
            try {
                List<Object> out = new ArrayList<>(elements.size());
                for (OnnxValue e : elements) {
                    out.add(toJava(e));
                }
                return Collections.unmodifiableList(out);
            } finally {
                // Each element is a separate native value the sequence handed out, not a view of it.
                elements.forEach(OnnxValue::close);
            }
        }
        return value.getValue();
    }

    /**
     * ONNX Runtime hands ZipMap rows over as hash maps; ascending key order is the order its native
     * map kept them in, which for skl2onnx and onnxmltools models is the class order.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<Object, Object> sortedMap(Map<?, ?> map) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        entries.sort((Comparator) Map.Entry.comparingByKey());
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : entries) {
            out.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object deepCopy(Object value) {
        if (value == null || !value.getClass().isArray()) {
            return value;
        }
        int n = Array.getLength(value);
        Object copy = Array.newInstance(value.getClass().getComponentType(), n);
        if (value.getClass().getComponentType().isPrimitive()) {
            System.arraycopy(value, 0, copy, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                Array.set(copy, i, deepCopy(Array.get(value, i)));
            }
        }
        return copy;
    }
}
