package io.mlops.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Translates what ONNX Runtime reports about a session into the SDK's signature types. */
final class Signatures {
    private Signatures() {
    }

    static ModelSignature of(OrtSession session) throws OrtException {
        return new ModelSignature(
                specs(session.getInputInfo()),
                specs(session.getOutputInfo()),
                session.getMetadata().getCustomMetadata());
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> nodes) {
        // ONNX Runtime returns these maps in graph declaration order.
        List<TensorSpec> specs = new ArrayList<>(nodes.size());
        for (NodeInfo node : nodes.values()) {
            specs.add(spec(node.getName(), node.getInfo()));
        }
        return specs;
    }

    static TensorSpec spec(String name, ValueInfo info) {
        if (info instanceof TensorInfo tensor) {
            List<Long> shape = new ArrayList<>();
            for (long d : tensor.getShape()) {
                // ONNX Runtime already reports symbolic dimensions as -1; normalise any other negative.
                shape.add(d < 0 ? -1L : d);
            }
            return TensorSpec.tensor(name, dataType(tensor.type), shape);
        }
        if (info instanceof SequenceInfo sequence) {
            if (sequence.isSequenceOfMaps()) {
                MapInfo map = sequence.mapInfo;
                return new TensorSpec(name, ValueKind.SEQUENCE_OF_MAPS, dataType(map.valueType),
                        dataType(map.keyType), List.of());
            }
            return new TensorSpec(name, ValueKind.OTHER, dataType(sequence.sequenceType), DataType.UNDEFINED,
                    List.of());
        }
        if (info instanceof MapInfo map) {
            return new TensorSpec(name, ValueKind.MAP, dataType(map.valueType), dataType(map.keyType), List.of());
        }
        return new TensorSpec(name, ValueKind.OTHER, DataType.UNDEFINED, DataType.UNDEFINED, List.of());
    }

    static DataType dataType(OnnxJavaType type) {
        if (type == null) {
            return DataType.UNDEFINED;
        }
        return switch (type) {
            case FLOAT -> DataType.FLOAT;
            case DOUBLE -> DataType.DOUBLE;
            case INT8 -> DataType.INT8;
            case INT16 -> DataType.INT16;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOL;
            case STRING -> DataType.STRING;
            default -> DataType.UNDEFINED;
        };
    }

    /** {@code x: FLOAT[-1, 4]}, for messages. */
    static String describe(TensorSpec spec) {
        return switch (spec.kind()) {
            case TENSOR -> spec.name() + ": " + spec.type() + spec.shape();
            case SEQUENCE_OF_MAPS -> spec.name() + ": seq(map(" + spec.keyType() + ", " + spec.type() + "))";
            case MAP -> spec.name() + ": map(" + spec.keyType() + ", " + spec.type() + ")";
            case OTHER -> spec.name() + ": (unsupported type)";
        };
    }

    static String describe(List<TensorSpec> specs) {
        List<String> parts = new ArrayList<>(specs.size());
        for (TensorSpec s : specs) {
            parts.add(describe(s));
        }
        return "[" + String.join(", ", parts) + "]";
    }
}
