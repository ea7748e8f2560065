package io.mlops.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scorer} over one shared ONNX Runtime session. {@code OrtSession.run} is thread-safe, so
 * every caller shares the session; a read-write lock only keeps {@link #close()} from freeing it
 * under a running call.
 */
final class OnnxScorer implements Scorer {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxScorer.class);

    private final ModelVersion version;
    private final ScorerOptions options;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession session;
    private final ModelSignature signature;
    private final RowEncoder encoder;
    private final OutputReader reader;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxScorer(ModelVersion version, ScorerOptions options, OrtEnvironment env,
            OrtSession.SessionOptions sessionOptions, OrtSession session) throws OrtException {
        this.version = version;
        this.options = options;
        this.env = env;
        this.sessionOptions = sessionOptions;
        this.session = session;
        // The session's own view, not the registered one: it is what the runtime will enforce.
        this.signature = Signatures.of(session);
        this.encoder = RowEncoder.plan(signature, options.nanPolicy());
        this.reader = OutputReader.plan(signature);
    }

    static OnnxScorer open(ModelVersion version, byte[] model, ScorerOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            // Parallelism comes from concurrent callers; a second pool would only compete for cores.
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            session = env.createSession(model, so);
            OnnxScorer scorer = new OnnxScorer(version, options, env, so, session);
            LOG.info("Loaded ONNX model '{}' version {} ({} bytes, sha256 {}): rows {}; outputs read as {};"
                    + " intraOpThreads={}, interOpThreads=1, maxBatchRows={}, nanPolicy={}",
                    version.name(), version.version(), model.length, version.sha256(), scorer.encoder.describeRows(),
                    scorer.reader.describe(), options.intraOpThreads(), options.maxBatchRows(), options.nanPolicy());
            return scorer;
        } catch (OrtException e) {
            closeQuietly(session, so);
            throw new InvalidArgumentException("cannot load model '" + version.name() + "' version " + version.version()
                    + " (" + model.length + " bytes) as ONNX: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, so);
            throw e;
        }
    }

    @Override
    public ModelVersion version() {
        return version;
    }

    @Override
    public List<FeatureSpec> features() {
        return encoder.featureSpecs();
    }

    @Override
    public Prediction score(Map<String, ?> row) {
        return scoreBatch(Collections.singletonList(row)).get(0);
    }

    @Override
    public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
        Objects.requireNonNull(rows, "rows");
        encoder.check();
        return score(rows.size(), () -> { }, (from, count, tensorRows, staging) ->
                encoder.encode(rows, from, count, tensorRows, staging));
    }

    @Override
    public List<Prediction> scoreColumns(FeatureColumns columns) {
        Objects.requireNonNull(columns, "columns");
        encoder.check();
        if (!encoder.takesColumns(columns)) {
            return scoreBatch(columns.asRows());
        }
        // Checked whole before the first chunk runs, so a bad value late in a batch that runs in
        // fixed-size chunks fails the call before any chunk reaches the runtime.
        return score(columns.rowCount(), () -> encoder.checkColumns(columns), (from, count, tensorRows, staging) ->
                encoder.encodeColumns(columns, from, count, tensorRows, staging));
    }

    /** Writes rows {@code [from, from + count)} into staging buffers; returns the [N, F] input's width. */
    @FunctionalInterface
    private interface ChunkEncoder {
        int encode(int from, int count, int tensorRows, RowEncoder.Staging staging);
    }

    /**
     * Runs {@code n} rows: checks the size, then, under the read lock and while open, runs
     * {@code check} and the rows in chunks of the model's fixed batch size (or all at once).
     */
    private List<Prediction> score(int n, Runnable check, ChunkEncoder chunkEncoder) {
        if (n > options.maxBatchRows()) {
            throw new InvalidArgumentException("batch of " + n + " rows exceeds maxBatchRows " + options.maxBatchRows()
                    + " of model '" + version.name() + "' version " + version.version()
                    + "; split the batch or raise ScorerOptions.maxBatchRows");
        }
        if (n == 0) {
            return List.of();
        }
        // A model exported with a fixed batch size (some converters write [1, F]) runs in chunks of it.
        int chunk = encoder.fixedBatch() > 0 ? encoder.fixedBatch() : n;
        List<Prediction> predictions = n <= chunk ? null : new ArrayList<>(n);
        Lock read = lock.readLock();
        read.lock();
        try {
            ensureOpen();
            check.run();
            for (int from = 0; from < n; from += chunk) {
                int count = Math.min(chunk, n - from);
                int tensorRows = encoder.fixedBatch() > 0 ? encoder.fixedBatch() : count;
                List<Prediction> part = runChunk(chunkEncoder, from, count, tensorRows);
                if (predictions == null) {
                    return Collections.unmodifiableList(part);
                }
                predictions.addAll(part);
            }
            return Collections.unmodifiableList(predictions);
        } finally {
            read.unlock();
        }
    }

    private List<Prediction> runChunk(ChunkEncoder chunkEncoder, int from, int count, int tensorRows) {
        RowEncoder.Staging staging = encoder.borrow(tensorRows);
        try {
            int columns = chunkEncoder.encode(from, count, tensorRows, staging);
            try (Inputs inputs = new Inputs(encoder.tensors(env, staging, tensorRows, columns));
                    OrtSession.Result result = session.run(inputs.tensors())) {
                return reader.read(result, count, tensorRows);
            }
        } catch (OrtException e) {
            throw runFailed(count + (count == 1 ? " row" : " rows"), e);
        } finally {
            // Only now are the tensors that read these buffers closed.
            encoder.giveBack(staging);
        }
    }

    @Override
    public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        List<String> problems = new ArrayList<>();
        for (TensorSpec spec : signature.inputs()) {
            if (!inputs.containsKey(spec.name())) {
                problems.add("input '" + spec.name() + "' is missing");
            }
        }
        for (String key : inputs.keySet()) {
            if (signature.input(key).isEmpty()) {
                problems.add("'" + key + "' is not an input");
            }
        }
        for (TensorSpec spec : signature.inputs()) {
            Object value = inputs.get(spec.name());
            if (inputs.containsKey(spec.name())) {
                String problem = TensorInputs.check(spec, value);
                if (problem != null) {
                    problems.add(problem);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("cannot score tensors: " + String.join("; ", problems)
                    + "; the model's inputs are " + Signatures.describe(signature.inputs()));
        }
        Lock read = lock.readLock();
        read.lock();
        try {
            ensureOpen();
            Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
            try (Inputs owned = new Inputs(tensors)) {
                for (TensorSpec spec : signature.inputs()) {
                    tensors.put(spec.name(), TensorInputs.create(env, spec, inputs.get(spec.name())));
                }
                try (OrtSession.Result result = session.run(owned.tensors())) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (int i = 0; i < result.size(); i++) {
                        out.put(signature.outputs().get(i).name(), OutputReader.toJava(result.get(i)));
                    }
                    return Collections.unmodifiableMap(out);
                }
            }
        } catch (OrtException e) {
            throw runFailed("whole tensors", e);
        } finally {
            read.unlock();
        }
    }

    private MlopsException runFailed(String what, OrtException e) {
        String message = "model '" + version.name() + "' version " + version.version() + " failed to score " + what
                + ": " + e.getMessage();
        return e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT
                ? new InvalidArgumentException(message, e)
                : new MlopsException(message, e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ConflictException("the scorer of model '" + version.name() + "' version " + version.version()
                    + " is closed; load the model again to score");
        }
    }

    /** Frees the native session; waits for calls in flight. Idempotent. */
    @Override
    public void close() {
        Lock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(session, sessionOptions);
        } finally {
            write.unlock();
        }
        // The OrtEnvironment is a process-wide singleton shared with every other session: never closed here.
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions so) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing an ONNX Runtime session failed; its native memory may not be released", e);
            }
        }
        so.close();
    }

    @Override
    public String toString() {
        return "OnnxScorer[model '" + version.name() + "' version " + version.version() + ", rows "
                + encoder.describeRows() + ", outputs " + reader.describe() + "]";
    }

    /** Input tensors of one run, closed together. */
    private record Inputs(Map<String, OnnxTensor> tensors) implements AutoCloseable {
        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /** Checks and builds whole-tensor inputs for {@link #scoreTensors}; not on the hot path. */
    static final class TensorInputs {
        private TensorInputs() {
        }

        /** @return what is wrong with the value, or null if it fits the input */
        static String check(TensorSpec spec, Object value) {
            if (spec.kind() != ValueKind.TENSOR) {
                return "input " + Signatures.describe(spec) + " is not a tensor, which scoreTensors cannot feed";
            }
            if (value == null) {
                return "input '" + spec.name() + "' is null";
            }
            Class<?> base = value.getClass();
            int depth = 0;
            while (base.isArray()) {
                base = base.getComponentType();
                depth++;
            }
            Class<?> primitive = primitiveOf(spec.type());
            boolean typeOk = primitive != null && (depth > 0 ? base == primitive : wrapperOf(primitive) == base);
            if (!typeOk || depth != spec.shape().size()) {
                return "input '" + spec.name() + "' is a " + value.getClass().getSimpleName() + ", expected "
                        + expectedJava(spec) + " for " + Signatures.describe(spec);
            }
            return null;
        }

        static OnnxTensor create(OrtEnvironment env, TensorSpec spec, Object value) throws OrtException {
            if (spec.type() != DataType.UINT8) {
                return OnnxTensor.createTensor(env, value);
            }
            // Java's byte[] becomes an INT8 tensor; UINT8 needs the type set explicitly.
            long[] shape = TensorInfo.constructFromJavaArray(value).getShape();
            ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(elements(shape))).order(ByteOrder.nativeOrder());
            copyBytes(value, bytes);
            bytes.flip();
            return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.UINT8);
        }

        private static long elements(long[] shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        private static void copyBytes(Object value, ByteBuffer into) {
            if (value instanceof byte[] b) {
                into.put(b);
            } else if (value instanceof Byte b) {
                into.put(b);
            } else {
                for (int i = 0; i < Array.getLength(value); i++) {
                    copyBytes(Array.get(value, i), into);
                }
            }
        }

        private static String expectedJava(TensorSpec spec) {
            Class<?> primitive = primitiveOf(spec.type());
            if (primitive == null) {
                return "nothing (element type " + spec.type() + " is not supported)";
            }
            int rank = spec.shape().size();
            return rank == 0 ? "a " + wrapperOf(primitive).getSimpleName()
                    : "a " + primitive.getSimpleName() + "[]".repeat(rank);
        }

        private static Class<?> primitiveOf(DataType type) {
            return switch (type) {
                case FLOAT -> float.class;
                case DOUBLE -> double.class;
                case INT8, UINT8 -> byte.class;
                case INT16 -> short.class;
                case INT32 -> int.class;
                case INT64 -> long.class;
                case BOOL -> boolean.class;
                case STRING -> String.class;
                case UNDEFINED -> null;
            };
        }

        private static Class<?> wrapperOf(Class<?> primitive) {
            if (primitive == float.class) {
                return Float.class;
            } else if (primitive == double.class) {
                return Double.class;
            } else if (primitive == byte.class) {
                return Byte.class;
            } else if (primitive == short.class) {
                return Short.class;
            } else if (primitive == int.class) {
                return Integer.class;
            } else if (primitive == long.class) {
                return Long.class;
            } else if (primitive == boolean.class) {
                return Boolean.class;
            }
            return primitive;
        }
    }
}
