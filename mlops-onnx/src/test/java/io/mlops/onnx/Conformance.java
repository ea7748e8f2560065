package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Test fixtures: the conformance models under {@code src/test/resources/onnx-conformance}. */
final class Conformance {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Conformance() {
    }

    static Path root() {
        try {
            return Path.of(Conformance.class.getResource("/onnx-conformance").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> cases() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] model(String name) {
        try {
            return Files.readAllBytes(root().resolve(name).resolve("model.onnx"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode reference(String name) {
        try {
            return JSON.readTree(root().resolve(name).resolve("reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A version record as the registry would build it. */
    static ModelVersion version(String name, byte[] bytes, ModelSignature signature) {
        return new ModelVersion(name, 1, null, name + "/model.onnx", sha256(bytes), bytes.length, "onnx", signature,
                null, null, null, "test", 0L);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds {@code metadata_props} entries to a model. */
    static byte[] withMetadata(byte[] model, Map<String, String> metadata) {
        try {
            ModelProto.Builder proto = ModelProto.parseFrom(model).toBuilder();
            metadata.forEach((k, v) -> proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
            return proto.build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    static int[] shape(JsonNode tensor) {
        JsonNode s = tensor.get("shape");
        int[] dims = new int[s.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = s.get(i).asInt();
        }
        return dims;
    }

    /** A JSON tensor as a Java array of its dtype nested to its rank, or a boxed scalar for rank 0. */
    static Object toJava(JsonNode tensor) {
        String dtype = tensor.get("dtype").asText();
        int[] dims = shape(tensor);
        Iterator<JsonNode> data = tensor.get("data").elements();
        if (dims.length == 0) {
            return element(dtype, data.next());
        }
        Object array = Array.newInstance(componentType(dtype), dims);
        fill(array, dims, 0, dtype, data);
        return array;
    }

    private static void fill(Object array, int[] dims, int level, String dtype, Iterator<JsonNode> data) {
        for (int i = 0; i < dims[level]; i++) {
            if (level == dims.length - 1) {
                Array.set(array, i, element(dtype, data.next()));
            } else {
                fill(Array.get(array, i), dims, level + 1, dtype, data);
            }
        }
    }

    static Class<?> componentType(String dtype) {
        return switch (dtype) {
            case "float32" -> float.class;
            case "float64" -> double.class;
            case "int64" -> long.class;
            case "int32" -> int.class;
            case "int16" -> short.class;
            case "int8", "uint8" -> byte.class;
            case "bool" -> boolean.class;
            case "string" -> String.class;
            default -> throw new IllegalArgumentException("unsupported dtype in reference: " + dtype);
        };
    }

    /** One JSON element as the boxed Java value of the dtype. */
    static Object element(String dtype, JsonNode v) {
        return switch (dtype) {
            case "float32" -> (float) number(v);
            case "float64" -> number(v);
            case "int64" -> v.asLong();
            case "int32" -> v.asInt();
            case "int16" -> (short) v.asInt();
            case "int8", "uint8" -> (byte) v.asInt();
            case "bool" -> v.asBoolean();
            case "string" -> v.asText();
            default -> throw new IllegalArgumentException("unsupported dtype in reference: " + dtype);
        };
    }

    static double number(JsonNode v) {
        if (v.isTextual()) {
            return switch (v.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + v);
            };
        }
        return v.asDouble();
    }

    /** Every element of a (nested) array, boxed, row-major; a scalar as a one-element list. */
    static List<Object> flatten(Object value) {
        List<Object> out = new ArrayList<>();
        flattenInto(value, out);
        return out;
    }

    private static void flattenInto(Object value, List<Object> out) {
        if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                flattenInto(Array.get(value, i), out);
            }
        } else {
            out.add(value);
        }
    }

    /** The dimensions of a nested Java array. */
    static List<Integer> dims(Object value) {
        List<Integer> dims = new ArrayList<>();
        Object v = value;
        while (v != null && v.getClass().isArray()) {
            dims.add(Array.getLength(v));
            v = Array.getLength(v) == 0 ? null : Array.get(v, 0);
        }
        return dims;
    }

    /** Compares one actual element with the reference's, by the reference's dtype and tolerance. */
    static void assertElement(String where, String dtype, JsonNode expected, Object actual, JsonNode tolerance) {
        switch (dtype) {
            case "float32", "float64" -> {
                double e = number(expected);
                assertThat(actual).as(where).isInstanceOf(Number.class);
                double a = ((Number) actual).doubleValue();
                if (Double.isNaN(e) || Double.isInfinite(e)) {
                    assertThat(a).as(where).isEqualTo(e);
                    return;
                }
                double rtol = tolerance.path("rtol").asDouble(0);
                double atol = tolerance.path("atol").asDouble(0);
                double allowed = atol + rtol * Math.abs(e);
                if (!(Math.abs(a - e) <= allowed)) {
                    fail(where + ": expected " + e + " within atol " + atol + " + rtol " + rtol + " (" + allowed
                            + ") but was " + a + " (off by " + Math.abs(a - e) + ")");
                }
            }
            case "int64", "int32", "int16", "int8", "uint8" -> {
                assertThat(actual).as(where).isInstanceOf(Number.class);
                assertThat(((Number) actual).longValue()).as(where).isEqualTo(expected.asLong());
            }
            case "bool" -> assertThat(actual).as(where).isEqualTo(expected.asBoolean());
            case "string" -> assertThat(actual).as(where).isEqualTo(expected.asText());
            default -> fail(where + ": unsupported dtype " + dtype);
        }
    }
}
