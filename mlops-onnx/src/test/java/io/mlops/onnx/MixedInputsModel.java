package io.mlops.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.Map;

/**
 * A model with one [N, 1] input of every row type, which hands each value straight back: output
 * {@code label} is the string input {@code s}, and output {@code scores} FLOAT [N, 5] holds
 * {@code f, d, n, i, b} cast to float, in that order. A test reads from an answer alone whether
 * every value of every row reached the model in the right place.
 */
final class MixedInputsModel {
    /** The numeric inputs, in the order of the {@code scores} columns. */
    static final List<String> NUMERIC = List.of("f", "d", "n", "i", "b");

    private MixedInputsModel() {
    }

    static byte[] bytes(long batch) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("mixed");
        int[] types = {TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.DOUBLE_VALUE,
            TensorProto.DataType.INT64_VALUE, TensorProto.DataType.INT32_VALUE, TensorProto.DataType.BOOL_VALUE};
        NodeProto.Builder concat = NodeProto.newBuilder().setOpType("Concat").setName("concat").addOutput("scores")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1));
        for (int k = 0; k < NUMERIC.size(); k++) {
            String name = NUMERIC.get(k);
            graph.addInput(tensor(name, types[k], batch, 1));
            graph.addNode(castToFloat(name, name + "_float"));
            concat.addInput(name + "_float");
        }
        graph.addInput(tensor("s", TensorProto.DataType.STRING_VALUE, batch, 1));
        graph.addNode(concat);
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName("label").addInput("s").addOutput("label"));
        graph.addOutput(tensor("label", TensorProto.DataType.STRING_VALUE, batch, 1));
        graph.addOutput(tensor("scores", TensorProto.DataType.FLOAT_VALUE, batch, NUMERIC.size()));
        return model(graph, Map.of());
    }

    /**
     * One [N, 3] input {@code x} of the given element type whose metadata names its columns
     * {@code a, b, c}; output {@code y} FLOAT [N, 3] is {@code x} cast to float, so each answer's
     * values are the row as the model received it.
     */
    static byte[] matrix(int elementType, long batch) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("matrix")
                .addInput(tensor("x", elementType, batch, 3))
                .addNode(castToFloat("x", "y"))
                .addOutput(tensor("y", TensorProto.DataType.FLOAT_VALUE, batch, 3));
        return model(graph, Map.of("features", "[\"a\", \"b\", \"c\"]"));
    }

    /**
     * One FLOAT [batch, columns] input {@code x} with no names for its columns, so rows give it
     * whole; output {@code y} is {@code x}, read as a regression whose values are the row as
     * received. A batch or column count of 0 or less leaves that dimension open.
     */
    static byte[] vector(long batch, int columns) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("vector")
                .addInput(tensor("x", TensorProto.DataType.FLOAT_VALUE, batch, columns))
                .addNode(castToFloat("x", "y"))
                .addOutput(tensor("y", TensorProto.DataType.FLOAT_VALUE, batch, columns));
        return model(graph, Map.of());
    }

    /** The graph as a model file (IR 8, opset 13) with the given metadata, as the test models here are written. */
    static byte[] model(GraphProto.Builder graph, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("mlops-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph);
        metadata.forEach((key, value) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build().toByteArray();
    }

    private static NodeProto castToFloat(String input, String output) {
        return NodeProto.newBuilder().setOpType("Cast").setName("cast_" + input).addInput(input).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(TensorProto.DataType.FLOAT_VALUE))
                .build();
    }

    /** A tensor of shape [batch, columns]; a batch or column count of 0 or less leaves that dimension open. */
    static ValueInfoProto tensor(String name, int type, long batch, long columns) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(batch > 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(batch)
                        : TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(columns > 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(columns)
                        : TensorShapeProto.Dimension.newBuilder().setDimParam("F"))
                .build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type).setShape(shape)))
                .build();
    }
}
