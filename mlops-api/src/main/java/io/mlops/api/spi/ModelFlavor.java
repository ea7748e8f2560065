package io.mlops.api.spi;

import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;

/**
 * A model format the SDK can inspect and serve, such as ONNX; found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.mlops.api.spi.ModelFlavor}).
 * The core verifies the artifact's sha256 before handing its bytes to a flavor.
 */
public interface ModelFlavor {

    /** The flavor name stored with versions, for example {@code onnx}. */
    String name();

    /** Whether an artifact key looks like this flavor's file, for example by extension. */
    boolean recognizes(String artifactKey);

    /**
     * Reads the inputs, outputs and metadata from a model file.
     *
     * @throws io.mlops.api.InvalidArgumentException if the bytes are not a valid model of this flavor
     */
    ModelSignature inspect(byte[] model);

    /** Loads a verified model for scoring. */
    Scorer load(ModelVersion version, byte[] model, ScorerOptions options);
}
