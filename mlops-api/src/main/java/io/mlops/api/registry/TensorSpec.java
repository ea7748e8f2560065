package io.mlops.api.registry;

import java.util.List;
import java.util.Objects;

/**
 * The declared type of one model input or output.
 *
 * @param name    the graph's name for it
 * @param kind    tensor, sequence of maps, map or other
 * @param type    element type of a tensor, or value type of a map
 * @param keyType key type of a map; {@link DataType#UNDEFINED} for tensors
 * @param shape   declared dimensions, -1 for a symbolic or unknown one (typically the batch);
 *                empty for maps and sequences. Declared shapes can be wrong: scorers trust what
 *                the runtime returns.
 */
public record TensorSpec(String name, ValueKind kind, DataType type, DataType keyType, List<Long> shape) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        keyType = keyType == null ? DataType.UNDEFINED : keyType;
        shape = shape == null ? List.of() : List.copyOf(shape);
    }

    public static TensorSpec tensor(String name, DataType type, List<Long> shape) {
        return new TensorSpec(name, ValueKind.TENSOR, type, DataType.UNDEFINED, shape);
    }
}
