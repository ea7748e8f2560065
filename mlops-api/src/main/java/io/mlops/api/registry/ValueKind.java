package io.mlops.api.registry;

/** The structure of a model input or output. */
public enum ValueKind {
    /** A dense n-dimensional array. */
    TENSOR,
    /** A sequence of maps, one per row, such as the ZipMap probabilities scikit-learn converters emit. */
    SEQUENCE_OF_MAPS,
    /** A single map. */
    MAP,
    /** Anything else the flavor reports but the scorer does not interpret. */
    OTHER
}
