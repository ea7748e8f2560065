package io.mlops.samples.bank;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;

/**
 * Builds one self-contained ONNX model that scores <em>raw</em> bank-marketing rows: the
 * {@link FeatureEncoding} is expressed as ONNX preprocessing nodes in front of the graph Tribuo
 * exports for the model, so a scorer needs nothing but the model file.
 *
 * <p>Graph contract:
 * <ul>
 *   <li>inputs: one per {@link BankMarketingData#FEATURE_COLUMNS feature column}, named after it,
 *       shape {@code [N, 1]}; numeric columns {@code FLOAT}, categorical columns {@code STRING};</li>
 *   <li>{@value #PROBABILITIES_OUTPUT}: {@code FLOAT [N, C]}, columns in Tribuo's output-id order,
 *       which is also the order of the {@value #METADATA_CLASSES} metadata entry;</li>
 *   <li>{@value #LABEL_OUTPUT}: {@code STRING [N]}, the class with the highest probability.</li>
 * </ul>
 * A category not seen in training one-hot encodes to all zeros, exactly as Tribuo ignores a
 * feature that is not in its feature map, so both score such a row the same way.
 */
public final class OnnxPipelineExporter {

    /** Name of the class-probability output. */
    public static final String PROBABILITIES_OUTPUT = "probabilities";

    /** Name of the predicted-label output. */
    public static final String LABEL_OUTPUT = "label";

    /** Symbolic batch dimension of every input and output. */
    public static final String BATCH_DIM = "N";

    /** Metadata key: JSON array of class names in probability-column order. */
    public static final String METADATA_CLASSES = "classes";

    /** Metadata key: JSON array of the raw input names. */
    public static final String METADATA_FEATURES = "features";

    /** Domain of the classical-ML operators ({@code OneHotEncoder}). */
    static final String ML_DOMAIN = "ai.onnx.ml";

    /** OneHotEncoder has been unchanged since ai.onnx.ml version 1. */
    static final long ML_OPSET = 1;

    /** Minimum default-domain opset: the Reshape/Gather/ArgMax semantics used here are those of opset 13. */
    static final long MIN_DEFAULT_OPSET = 13;

    /** IR version 8 is understood by every ONNX Runtime release of the last years and covers opset 13. */
    static final long MIN_IR_VERSION = 8;

    /** Prefix for every tensor and node this class adds, to keep clear of Tribuo's own names. */
    private static final String PREFIX = "mlops_";

    private final String domain;
    private final long modelVersion;

    /**
     * @param domain       reverse-DNS domain written into the model, e.g. {@code io.mlops.samples}
     * @param modelVersion model version written into the model
     */
    public OnnxPipelineExporter(String domain, long modelVersion) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.modelVersion = modelVersion;
    }

    /**
     * Composes preprocessing, the Tribuo model graph and label decoding into one ONNX model.
     *
     * @param model    a trained Tribuo classifier that can export itself to ONNX and whose
     *                 exported graph maps one {@code [N, F]} float input to one {@code [N, C]} output
     * @param encoding the encoding the model's training examples were built with
     * @param <M>      the model type
     * @throws IllegalStateException if the model's features or graph do not match the encoding
     */
    public <M extends Model<Label> & ONNXExportable> ModelProto export(M model, FeatureEncoding encoding) {
        ModelProto tribuo = model.exportONNXModel(domain, modelVersion);
        GraphProto tribuoGraph = tribuo.getGraph();
        if (tribuoGraph.getInputCount() != 1 || tribuoGraph.getOutputCount() != 1) {
            throw new IllegalStateException("Expected Tribuo's graph to have one input and one output but it has "
                    + tribuoGraph.getInputList().stream().map(ValueInfoProto::getName).toList() + " -> "
                    + tribuoGraph.getOutputList().stream().map(ValueInfoProto::getName).toList());
        }
        List<String> classes = classNames(model);
        long[] permutation = featurePermutation(model.getFeatureIDMap(), encoding);
        String features = PREFIX + "features";

        GraphProto.Builder graph = GraphProto.newBuilder().setName("bank-marketing-pipeline");
        addInputs(graph);
        addPreprocessing(graph, encoding, permutation, features);
        addTribuoGraph(graph, tribuoGraph, features, classes.size());
        addLabelDecoding(graph, classes);
        checkUniqueNames(graph);

        ModelProto.Builder out = ModelProto.newBuilder()
                .setIrVersion(Math.max(tribuo.getIrVersion(), MIN_IR_VERSION))
                .setProducerName("mlops-samples + tribuo " + Tribuo.VERSION)
                .setProducerVersion(Tribuo.VERSION)
                .setDomain(domain)
                .setModelVersion(modelVersion)
                .setDocString("Bank-marketing propensity pipeline (raw features -> encoding -> "
                        + "logistic regression). " + tribuo.getDocString())
                .setGraph(graph);
        out.addAllOpsetImport(opsets(tribuo));
        // Tribuo's provenance (TRIBUO_PROVENANCE) stays, so the model can be traced to its training run.
        out.addAllMetadataProps(tribuo.getMetadataPropsList());
        out.addMetadataProps(meta(METADATA_CLASSES, jsonArray(classes)));
        out.addMetadataProps(meta(METADATA_FEATURES, jsonArray(BankMarketingData.FEATURE_COLUMNS)));
        return out.build();
    }

    /** Same as {@link #export} but serialized, ready to hand to ONNX Runtime or to store. */
    public <M extends Model<Label> & ONNXExportable> byte[] exportBytes(M model, FeatureEncoding encoding) {
        return export(model, encoding).toByteArray();
    }

    /** Exports and writes the model to {@code file}, replacing it if present. */
    public <M extends Model<Label> & ONNXExportable> void save(M model, FeatureEncoding encoding, Path file)
            throws IOException {
        Files.write(file, exportBytes(model, encoding));
    }

    /** Returns the class names in Tribuo's output-id order, which is the probability-column order. */
    public static List<String> classNames(Model<Label> model) {
        ImmutableOutputInfo<Label> info = model.getOutputIDInfo();
        List<String> names = new ArrayList<>(info.size());
        for (int id = 0; id < info.size(); id++) {
            names.add(info.getOutput(id).getLabel());
        }
        return List.copyOf(names);
    }

    /**
     * For each Tribuo feature id, the column of the concatenated encoding that feeds it. Tribuo
     * numbers features by sorted name, which is not the block order the preprocessing produces.
     */
    static long[] featurePermutation(ImmutableFeatureMap featureMap, FeatureEncoding encoding) {
        List<String> encoded = encoding.encodedFeatureNames();
        Map<String, Integer> position = new LinkedHashMap<>();
        for (int i = 0; i < encoded.size(); i++) {
            position.put(encoded.get(i), i);
        }
        long[] permutation = new long[featureMap.size()];
        for (int id = 0; id < featureMap.size(); id++) {
            String name = featureMap.get(id).getName();
            Integer column = position.get(name);
            if (column == null) {
                throw new IllegalStateException("Model feature '" + name + "' (id " + id
                        + ") is not produced by the encoding; encoded features are " + encoded);
            }
            permutation[id] = column;
        }
        return permutation;
    }

    private static void addInputs(GraphProto.Builder graph) {
        for (String column : BankMarketingData.FEATURE_COLUMNS) {
            TensorProto.DataType type = BankMarketingData.NUMERIC_COLUMNS.contains(column)
                    ? TensorProto.DataType.FLOAT : TensorProto.DataType.STRING;
            graph.addInput(valueInfo(column, type, dimParam(BATCH_DIM), dimValue(1)));
        }
    }

    private static void addPreprocessing(GraphProto.Builder graph, FeatureEncoding encoding, long[] permutation,
                                         String features) {
        List<String> blocks = new ArrayList<>();

        List<String> numeric = BankMarketingData.NUMERIC_COLUMNS;
        String numericRaw = PREFIX + "numeric_raw";
        String centred = PREFIX + "numeric_centred";
        String scaled = PREFIX + "numeric_scaled";
        graph.addInitializer(floatTensor(PREFIX + "numeric_mean", numeric.stream()
                .map(encoding.means()::get).toList()));
        graph.addInitializer(floatTensor(PREFIX + "numeric_std", numeric.stream()
                .map(encoding.stdDevs()::get).toList()));
        graph.addNode(node("Concat", numericRaw, numeric, intAttr("axis", 1)));
        graph.addNode(node("Sub", centred, List.of(numericRaw, PREFIX + "numeric_mean")));
        graph.addNode(node("Div", scaled, List.of(centred, PREFIX + "numeric_std")));
        blocks.add(scaled);

        for (Map.Entry<String, List<String>> e : encoding.categories().entrySet()) {
            String column = e.getKey();
            List<String> categories = e.getValue();
            String oneHot3d = PREFIX + "onehot_" + column + "_3d";
            String oneHot = PREFIX + "onehot_" + column;
            String shape = PREFIX + "onehot_" + column + "_shape";
            // zeros=1 makes an unseen category an all-zero row instead of a runtime error.
            graph.addNode(node("OneHotEncoder", oneHot3d, List.of(column),
                    AttributeProto.newBuilder().setName("cats_strings").setType(AttributeProto.AttributeType.STRINGS)
                            .addAllStrings(categories.stream().map(ByteString::copyFromUtf8).toList()).build(),
                    intAttr("zeros", 1)).toBuilder().setDomain(ML_DOMAIN).build());
            // OneHotEncoder appends the category axis: [N,1] -> [N,1,K]. Shape [0,K] copies N, so it also works for N=0.
            graph.addInitializer(longTensor(shape, new long[] {0, categories.size()}));
            graph.addNode(node("Reshape", oneHot, List.of(oneHot3d, shape)));
            blocks.add(oneHot);
        }

        String encoded = PREFIX + "encoded";
        String order = PREFIX + "feature_order";
        graph.addNode(node("Concat", encoded, blocks, intAttr("axis", 1)));
        graph.addInitializer(longTensor(order, permutation));
        graph.addNode(node("Gather", features, List.of(encoded, order), intAttr("axis", 1)));
    }

    private static void addTribuoGraph(GraphProto.Builder graph, GraphProto tribuo, String features, int classCount) {
        String tribuoInput = tribuo.getInput(0).getName();
        String tribuoOutput = tribuo.getOutput(0).getName();
        UnaryOperator<String> rename = name -> name.equals(tribuoInput) ? features
                : name.equals(tribuoOutput) ? PROBABILITIES_OUTPUT : name;
        for (NodeProto node : tribuo.getNodeList()) {
            NodeProto.Builder renamed = node.toBuilder().clearInput().clearOutput();
            node.getInputList().forEach(in -> renamed.addInput(rename.apply(in)));
            node.getOutputList().forEach(o -> renamed.addOutput(rename.apply(o)));
            graph.addNode(renamed);
        }
        graph.addAllInitializer(tribuo.getInitializerList());
        graph.addAllValueInfo(tribuo.getValueInfoList());
        graph.addOutput(valueInfo(PROBABILITIES_OUTPUT, TensorProto.DataType.FLOAT,
                dimParam(BATCH_DIM), dimValue(classCount)));
    }

    private static void addLabelDecoding(GraphProto.Builder graph, List<String> classes) {
        String index = PREFIX + "class_index";
        String names = PREFIX + "class_names";
        graph.addNode(node("ArgMax", index, List.of(PROBABILITIES_OUTPUT), intAttr("axis", 1), intAttr("keepdims", 0)));
        graph.addInitializer(TensorProto.newBuilder().setName(names).setDataType(TensorProto.DataType.STRING_VALUE)
                .addDims(classes.size())
                .addAllStringData(classes.stream().map(ByteString::copyFromUtf8).toList()));
        graph.addNode(node("Gather", LABEL_OUTPUT, List.of(names, index), intAttr("axis", 0)));
        graph.addOutput(valueInfo(LABEL_OUTPUT, TensorProto.DataType.STRING, dimParam(BATCH_DIM)));
    }

    private static List<OperatorSetIdProto> opsets(ModelProto tribuo) {
        Map<String, Long> versions = new LinkedHashMap<>();
        versions.put("", MIN_DEFAULT_OPSET);
        versions.put(ML_DOMAIN, ML_OPSET);
        for (OperatorSetIdProto opset : tribuo.getOpsetImportList()) {
            versions.merge(opset.getDomain(), opset.getVersion(), Math::max);
        }
        return versions.entrySet().stream()
                .map(e -> OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()).build())
                .toList();
    }

    /** Fails fast if a tensor is produced twice, which ONNX Runtime would reject less legibly. */
    private static void checkUniqueNames(GraphProto.Builder graph) {
        Set<String> produced = new HashSet<>();
        List<String> all = new ArrayList<>();
        graph.getInputList().forEach(v -> all.add(v.getName()));
        graph.getInitializerList().forEach(t -> all.add(t.getName()));
        graph.getNodeList().forEach(n -> all.addAll(n.getOutputList()));
        for (String name : all) {
            if (!produced.add(name)) {
                throw new IllegalStateException("Tensor name '" + name + "' is defined twice in the composed graph");
            }
        }
        Set<String> nodeNames = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            if (!nodeNames.add(node.getName())) {
                throw new IllegalStateException("Node name '" + node.getName() + "' is used twice in the composed graph");
            }
        }
    }

    private static NodeProto node(String op, String output, List<String> inputs, AttributeProto... attributes) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(PREFIX + op + "_" + output)
                .addAllInput(inputs)
                .addOutput(output)
                .addAllAttribute(List.of(attributes))
                .build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static TensorProto floatTensor(String name, List<Double> values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(values.size());
        values.forEach(v -> tensor.addFloatData(v.floatValue()));
        return tensor.build();
    }

    private static TensorProto longTensor(String name, long[] values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            tensor.addInt64Data(v);
        }
        return tensor.build();
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, TensorShapeProto.Dimension... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (TensorShapeProto.Dimension dim : dims) {
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    private static TensorShapeProto.Dimension dimParam(String name) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(name).build();
    }

    private static TensorShapeProto.Dimension dimValue(long value) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
    }

    private static OnnxMl.StringStringEntryProto meta(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Minimal JSON string-array writer; pulling in a JSON library for two metadata entries is not worth it. */
    static String jsonArray(List<String> values) {
        return values.stream().map(OnnxPipelineExporter::jsonString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String jsonString(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
