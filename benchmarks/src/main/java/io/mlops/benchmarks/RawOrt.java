package io.mlops.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.mlops.samples.bank.BankMarketingData;
import io.mlops.samples.bank.BankMarketingData.BankClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of {@code score.single} and {@code score.batch256}: the ONNX Runtime code a careful
 * engineer writes by hand for one model and one batch size. One session with the SDK's options
 * (intra-op 1, inter-op 1, all optimisations); the rows are already in typed form (as fields of a
 * domain object would be); direct native-order buffers are allocated once and refilled per call;
 * each call wraps them in tensors (strings through {@code createTensor(env, String[], shape)}),
 * runs, copies out the same information the SDK returns — label and class probabilities per row —
 * and closes the result and the tensors. Not thread-safe (one instance per benchmark thread).
 */
abstract class RawOrt implements AutoCloseable {

    /** What one call produces: a label per row and the row-major probabilities. */
    record Output(String[] labels, float[] probabilities) {
    }

    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final OrtSession.SessionOptions options;
    final OrtSession session;
    final int rows;

    RawOrt(byte[] model, int rows) throws OrtException {
        this.rows = rows;
        this.options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        this.session = env.createSession(model, options);
    }

    /** Scores the rows given at construction. */
    abstract Output score() throws OrtException;

    @Override
    public void close() throws OrtException {
        session.close();
        options.close();
    }

    static RawOrt of(String model, byte[] bytes, int rows, ScoringFixtures.BankRows bank) throws OrtException {
        return switch (model) {
            case ScoringFixtures.BANK -> new Bank(bytes, bank.first(rows));
            case ScoringFixtures.MLP -> new Mlp(bytes, ScoringFixtures.mlpVectors(rows));
            default -> throw new IllegalArgumentException(model);
        };
    }

    /** The quickstart's pipeline: 4 FLOAT [N,1] inputs and 9 STRING [N,1] inputs. */
    static final class Bank extends RawOrt {
        private static final List<String> NUMERIC = BankMarketingData.NUMERIC_COLUMNS;
        private static final List<String> CATEGORICAL = BankMarketingData.CATEGORICAL_COLUMNS;

        private final float[][] numbers;
        private final String[][] categories;
        private final FloatBuffer[] numberBuffers = new FloatBuffer[NUMERIC.size()];
        private final String[][] categoryArrays = new String[CATEGORICAL.size()][];
        private final long[] shape;
        private final Map<String, OnnxTensor> inputs = new HashMap<>();
        private final int labelIndex;
        private final int probabilityIndex;

        Bank(byte[] model, List<BankClient> clients) throws OrtException {
            super(model, clients.size());
            numbers = new float[rows][NUMERIC.size()];
            categories = new String[rows][CATEGORICAL.size()];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < NUMERIC.size(); j++) {
                    numbers[r][j] = (float) clients.get(r).numeric(NUMERIC.get(j));
                }
                for (int j = 0; j < CATEGORICAL.size(); j++) {
                    categories[r][j] = clients.get(r).value(CATEGORICAL.get(j));
                }
            }
            for (int j = 0; j < numberBuffers.length; j++) {
                numberBuffers[j] = ByteBuffer.allocateDirect(rows * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            for (int j = 0; j < categoryArrays.length; j++) {
                categoryArrays[j] = new String[rows];
            }
            shape = new long[] {rows, 1};
            List<String> outputs = List.copyOf(session.getOutputNames());
            labelIndex = outputs.indexOf("label");
            probabilityIndex = outputs.indexOf("probabilities");
        }

        @Override
        Output score() throws OrtException {
            for (int r = 0; r < rows; r++) {
                float[] n = numbers[r];
                for (int j = 0; j < n.length; j++) {
                    numberBuffers[j].put(r, n[j]);
                }
                String[] c = categories[r];
                for (int j = 0; j < c.length; j++) {
                    categoryArrays[j][r] = c[j];
                }
            }
            try {
                for (int j = 0; j < numberBuffers.length; j++) {
                    inputs.put(NUMERIC.get(j), OnnxTensor.createTensor(env, numberBuffers[j], shape));
                }
                for (int j = 0; j < categoryArrays.length; j++) {
                    inputs.put(CATEGORICAL.get(j), OnnxTensor.createTensor(env, categoryArrays[j], shape));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    String[] labels = (String[]) result.get(labelIndex).getValue();
                    float[] probabilities = new float[rows * 2];
                    ((OnnxTensor) result.get(probabilityIndex)).getFloatBuffer().get(probabilities);
                    return new Output(labels, probabilities);
                }
            } finally {
                for (OnnxTensor t : inputs.values()) {
                    t.close();
                }
                inputs.clear();
            }
        }
    }

    /** The MLP: one FLOAT [N,64] input, probabilities [N,2]; the label is the arg-max, as the SDK reads it. */
    static final class Mlp extends RawOrt {
        private static final String[] CLASSES = ScoringFixtures.MLP_CLASSES.toArray(String[]::new);
        private final float[][] vectors;
        private final FloatBuffer buffer;
        private final long[] shape;

        Mlp(byte[] model, float[][] vectors) throws OrtException {
            super(model, vectors.length);
            this.vectors = vectors;
            int width = ScoringFixtures.MLP_INPUTS;
            buffer = ByteBuffer.allocateDirect(rows * width * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            shape = new long[] {rows, width};
        }

        @Override
        Output score() throws OrtException {
            buffer.clear();
            for (float[] v : vectors) {
                buffer.put(v);
            }
            buffer.flip();
            try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape);
                    OrtSession.Result result = session.run(Map.of(ScoringFixtures.MLP_INPUT, input))) {
                int classes = CLASSES.length;
                float[] probabilities = new float[rows * classes];
                ((OnnxTensor) result.get(0)).getFloatBuffer().get(probabilities);
                String[] labels = new String[rows];
                for (int r = 0; r < rows; r++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (probabilities[r * classes + c] > probabilities[r * classes + best]) {
                            best = c;
                        }
                    }
                    labels[r] = CLASSES[best];
                }
                return new Output(labels, probabilities);
            }
        }
    }
}
