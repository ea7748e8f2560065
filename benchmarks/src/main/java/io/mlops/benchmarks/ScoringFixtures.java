package io.mlops.benchmarks;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.mlops.Mlops;
import io.mlops.api.Principal;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.samples.bank.BankMarketingData;
import io.mlops.samples.bank.BankMarketingData.BankClient;
import io.mlops.samples.bank.BankModelTrainer;
import io.mlops.samples.bank.BankModelTrainer.TrainingResult;
import io.mlops.samples.bank.FeatureEncoding;
import io.mlops.samples.bank.OnnxPipelineExporter;
import io.mlops.serving.ModelServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.tribuo.classification.sgd.linear.LinearSGDModel;

/**
 * The models and rows the scoring benchmarks share. The benchmark's main process trains the
 * quickstart's model once and writes every model file into a directory ({@value #DIR_PROPERTY});
 * JMH's forked JVMs read them from there instead of training again.
 *
 * <ul>
 *   <li>{@code bank}: the quickstart's Tribuo logistic regression on bank-marketing, exported by
 *       {@link OnnxPipelineExporter} with its preprocessing in the graph: 4 FLOAT [N,1] and 9
 *       STRING [N,1] inputs, outputs {@code label} STRING [N] and {@code probabilities} FLOAT [N,2].
 *       Two exports (model_version 1 and 2) give the two versions {@code serve.swap} moves between.</li>
 *   <li>{@code mlp}: a larger dense model written here with ONNX protobufs: input FLOAT [N,64] →
 *       Gemm 256 → Relu → Gemm 256 → Relu → Gemm 2 → Softmax → {@code probabilities} [N,2], metadata
 *       {@code classes = ["no","yes"]} (so the SDK reads it as a classifier and takes the arg-max as
 *       label); weights He-initialised from seed 42 (82,432 parameters, ~82k multiply-adds per row, 330 kB).</li>
 * </ul>
 */
final class ScoringFixtures {
    static final String DIR_PROPERTY = "bench.score.dir";
    static final String SERVER_PROPERTY = "bench.score.server";
    static final String BANK = "bank";
    static final String MLP = "mlp";
    static final int BATCH = 256;
    static final int MLP_INPUTS = 64;
    static final int MLP_HIDDEN = 256;
    static final String MLP_INPUT = "input";
    static final List<String> MLP_CLASSES = List.of("no", "yes");

    private static final String BANK_V1 = "bank-v1.onnx";
    private static final String BANK_V2 = "bank-v2.onnx";
    private static final String MLP_FILE = "mlp.onnx";
    private static final String TRIBUO_FILE = "bank-tribuo.ser";

    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        // Tribuo reports each training at INFO on java.util.logging.
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private ScoringFixtures() {
    }

    /** Trains the quickstart's model and writes the three ONNX files and the Tribuo model into a new directory. */
    static Path prepare() throws IOException {
        Path dir = Files.createTempDirectory("mlops-bench-score");
        long start = System.nanoTime();
        BankMarketingData data = BankMarketingData.load(BankMarketingData.locateDefaultCsv());
        TrainingResult trained = new BankModelTrainer().train(data);
        Files.write(dir.resolve(BANK_V1), new OnnxPipelineExporter("io.mlops.benchmarks", 1)
                .exportBytes(trained.model(), trained.encoding()));
        Files.write(dir.resolve(BANK_V2), new OnnxPipelineExporter("io.mlops.benchmarks", 2)
                .exportBytes(trained.model(), trained.encoding()));
        try (OutputStream out = Files.newOutputStream(dir.resolve(TRIBUO_FILE));
                ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(trained.model());
        }
        Files.write(dir.resolve(MLP_FILE), mlp(42L).toByteArray());
        System.out.printf("score fixtures: trained the quickstart model (test AUC %.4f) and wrote models to %s in %.1f s%n",
                trained.testAuc(), dir, (System.nanoTime() - start) / 1e9);
        return dir;
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /** The directory {@link #prepare()} wrote, as passed to forked JVMs. */
    static Path dir() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("system property " + DIR_PROPERTY + " is not set; run through Bench");
        }
        return Path.of(dir);
    }

    static byte[] modelBytes(Path dir, String model) {
        return read(dir.resolve(switch (model) {
            case BANK -> BANK_V1;
            case MLP -> MLP_FILE;
            default -> throw new IllegalArgumentException("unknown model " + model);
        }));
    }

    static byte[] bankV2Bytes(Path dir) {
        return read(dir.resolve(BANK_V2));
    }

    static LinearSGDModel tribuoModel(Path dir) {
        try (InputStream in = Files.newInputStream(dir.resolve(TRIBUO_FILE));
                ObjectInputStream objects = new ObjectInputStream(in)) {
            return (LinearSGDModel) objects.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bank test split (the quickstart's seed and fraction) and the encoding fitted on its training split. */
    record BankRows(List<BankClient> test, FeatureEncoding encoding) {
        static BankRows load() {
            BankMarketingData data = BankMarketingData.load(BankMarketingData.locateDefaultCsv());
            BankModelTrainer.Config config = BankModelTrainer.Config.defaults();
            BankMarketingData.Split split = data.split(config.seed(), config.trainFraction());
            return new BankRows(split.test(), FeatureEncoding.fit(split.train()));
        }

        List<BankClient> first(int n) {
            return test.subList(0, n);
        }
    }

    /** The MLP's rows: {@code n} vectors of standard normal values from a fixed seed. */
    static float[][] mlpVectors(int n) {
        Random random = new Random(7);
        float[][] rows = new float[n][MLP_INPUTS];
        for (float[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                row[c] = (float) random.nextGaussian();
            }
        }
        return rows;
    }

    /** The SDK's row for a vector model: the input name mapped to the whole vector. */
    static Map<String, Object> mlpRow(float[] vector) {
        return Map.of(MLP_INPUT, vector);
    }

    /** The benchmarks' principals: the one {@link #openMlops()} acts as, and an independent validator. */
    static final Principal DEVELOPER = Principal.of("bench-developer");
    static final Principal VALIDATOR = Principal.of("bench-validator");

    /** In-memory stores, governed as in production, acting as {@link #DEVELOPER}. */
    static Mlops openMlops() {
        return Mlops.builder().metadata("mem:").artifacts("mem:").principal(DEVELOPER)
                .roles(RoleMapping.builder().user(DEVELOPER.name(), Role.DATA_SCIENTIST)
                        .user(VALIDATOR.name(), Role.VALIDATOR).build())
                .build();
    }

    /**
     * Stores the bytes as an artifact, registers the next version of {@code name}, has it approved
     * by {@link #VALIDATOR} and points {@code champion} at it.
     */
    static ModelVersion register(Mlops mlops, String name, byte[] onnx) {
        int next = mlops.registry().findModel(name).isPresent() ? mlops.registry().listVersions(name).size() + 1 : 1;
        StoredObject artifact = mlops.artifacts().put("bench/" + name + "/v" + next + "/model.onnx",
                new ByteArrayInputStream(onnx));
        ModelVersion version = mlops.registry().createVersion(NewModelVersion.builder(name, artifact.key()).build());
        mlops.governance().requestApproval(name, version.version(), "benchmark fixture");
        Mlops validator = mlops.as(VALIDATOR);
        validator.governance().approve(name, version.version(), "benchmark fixture");
        validator.registry().setAlias(name, "champion", version.version());
        return validator.registry().getVersion(name, version.version());
    }

    /** Moves {@code champion}, as the validator may. */
    static void champion(Mlops mlops, ModelVersion version) {
        mlops.as(VALIDATOR).registry().setAlias(version.name(), "champion", version.version());
    }

    static String champion(String name) {
        return "models:/" + name + "@champion";
    }

    /** Whether {@link ModelServer} is implemented yet (it was being written while these benchmarks were). */
    static boolean serverWorks() {
        try (Mlops mlops = openMlops()) {
            register(mlops, MLP, mlp(1L).toByteArray());
            try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ZERO).build()) {
                server.scorer(champion(MLP)).score(mlpRow(mlpVectors(1)[0]));
                return true;
            }
        } catch (UnsupportedOperationException e) {
            System.out.println("ModelServer is not implemented yet (" + e.getMessage()
                    + "): sdk_us falls back to mlops.scorer(uri)");
            return false;
        }
    }

    /** The larger model: a 64-256-256-2 ReLU MLP with softmax, He-initialised from {@code seed}. */
    static ModelProto mlp(long seed) {
        Random random = new Random(seed);
        GraphProto.Builder graph = GraphProto.newBuilder().setName("mlp-64-256-256-2");
        graph.addInput(floatInfo(MLP_INPUT, MLP_INPUTS));
        String previous = MLP_INPUT;
        int[] widths = {MLP_INPUTS, MLP_HIDDEN, MLP_HIDDEN, MLP_CLASSES.size()};
        for (int layer = 1; layer < widths.length; layer++) {
            int in = widths[layer - 1];
            int out = widths[layer];
            String w = "w" + layer;
            String b = "b" + layer;
            graph.addInitializer(floatTensor(w, new long[] {in, out}, gaussian(random, in * out, Math.sqrt(2.0 / in))));
            graph.addInitializer(floatTensor(b, new long[] {out}, gaussian(random, out, 0.01)));
            String gemm = "gemm" + layer;
            graph.addNode(NodeProto.newBuilder().setOpType("Gemm").setName(gemm)
                    .addInput(previous).addInput(w).addInput(b).addOutput(gemm));
            previous = gemm;
            if (layer < widths.length - 1) {
                String relu = "relu" + layer;
                graph.addNode(NodeProto.newBuilder().setOpType("Relu").setName(relu).addInput(gemm).addOutput(relu));
                previous = relu;
            }
        }
        graph.addNode(NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput(previous)
                .addOutput("probabilities")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)));
        graph.addOutput(floatInfo("probabilities", MLP_CLASSES.size()));
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("mlops-benchmarks")
                .setModelVersion(1)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("classes")
                        .setValue("[\"" + String.join("\",\"", MLP_CLASSES) + "\"]"))
                .build();
    }

    private static float[] gaussian(Random random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }

    private static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            tensor.addDims(d);
        }
        return tensor.build();
    }

    private static ValueInfoProto floatInfo(String name, int columns) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
                .build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    /** The same rows as typed columns: numbers as float (as the raw baseline holds them), categories as String. */
    static FeatureColumns bankColumns(List<BankClient> clients) {
        FeatureColumns.Builder columns = FeatureColumns.builder();
        for (String name : BankMarketingData.FEATURE_COLUMNS) {
            if (BankMarketingData.NUMERIC_COLUMNS.contains(name)) {
                float[] values = new float[clients.size()];
                for (int r = 0; r < values.length; r++) {
                    values[r] = (float) clients.get(r).numeric(name);
                }
                columns.numbers(name, values);
            } else {
                columns.strings(name, clients.stream().map(c -> c.value(name)).toArray(String[]::new));
            }
        }
        return columns.build();
    }

    /** The MLP's rows as one vector column, the batch form of {@link #mlpRow}. */
    static FeatureColumns mlpColumns(int n) {
        return FeatureColumns.builder().vectors(MLP_INPUT, mlpVectors(n)).build();
    }

    /** Row maps as the SDK takes them, in the quickstart's form (numbers as Double, categories as String). */
    static List<Map<String, ?>> bankRows(List<BankClient> clients) {
        List<Map<String, ?>> rows = new ArrayList<>(clients.size());
        clients.forEach(c -> rows.add(c.toScoringInput()));
        return List.copyOf(rows);
    }
}
