package io.mlops.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Map;

/**
 * A one-operator regression model, {@code y = x * factor}, so that tests can tell from an answer
 * alone which of several versions produced it.
 */
final class ScalingModel {
    private ScalingModel() {
    }

    /** Input {@code x} FLOAT [N, 1], output {@code y} FLOAT [N, 1]. */
    static byte[] times(float factor) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .setName("scale")
                .addInput(MixedInputsModel.tensor("x", TensorProto.DataType.FLOAT_VALUE, -1, 1))
                .addOutput(MixedInputsModel.tensor("y", TensorProto.DataType.FLOAT_VALUE, -1, 1))
                .addInitializer(TensorProto.newBuilder().setName("factor").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(1).addFloatData(factor))
                .addNode(NodeProto.newBuilder().setOpType("Mul").setName("scale").addInput("x").addInput("factor")
                        .addOutput("y"));
        return MixedInputsModel.model(graph, Map.of());
    }
}
