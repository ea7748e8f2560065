package io.mlops.api.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a model takes and returns, read from the model file when a version is registered.
 *
 * @param inputs   in declaration order
 * @param outputs  in declaration order
 * @param metadata the model's own key/value metadata (for example ONNX {@code metadata_props},
 *                 where {@code classes} may list class labels in probability-column order)
 */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, String> metadata) {

    public static final ModelSignature EMPTY = new ModelSignature(List.of(), List.of(), Map.of());

    public ModelSignature {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
