package io.mlops.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * A one-operator regression model, {@code y = x * factor}, so that tests can tell from an answer
 * alone which of several versions produced it.
 */
final class ScalingModel {
    private ScalingModel() {
    }

    /** Input {@code x} FLOAT [N, 1], output {@code y} FLOAT [N, 1]. */
    static byte[] times(float factor) {
        GraphProto graph = GraphProto.newBuilder()
                .setName("scale")
                .addInput(tensor("x"))
                .addOutput(tensor("y"))
                .addInitializer(TensorProto.newBuilder().setName("factor").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(1).addFloatData(factor))
                .addNode(NodeProto.newBuilder().setOpType("Mul").setName("scale").addInput("x").addInput("factor")
                        .addOutput("y"))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("mlops-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static ValueInfoProto tensor(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }
}
