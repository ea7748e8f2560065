package io.mlops.api.registry;

/** Element types of model inputs and outputs (the ONNX tensor element types a scorer supports). */
public enum DataType {
    FLOAT,
    DOUBLE,
    INT8,
    INT16,
    INT32,
    INT64,
    UINT8,
    BOOL,
    STRING,
    /** Not known or not applicable (for example the key type of a plain tensor). */
    UNDEFINED
}
