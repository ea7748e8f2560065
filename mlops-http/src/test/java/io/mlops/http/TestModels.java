package io.mlops.http;

import io.mlops.Mlops;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.tracking.ActiveRun;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The two real ONNX models the tests serve, and how they get into a registry. */
final class TestModels {
    /** Soft-voting classifier, labels "A"/"B", features x0 and x1 (float). */
    static final String CLASSIFIER = "voting";
    /** Tree ensemble regressor: one feature "X", an array of 4 numbers. */
    static final String REGRESSOR = "regressor";

    private TestModels() {
    }

    static byte[] classifierBytes() {
        return withMetadata(resource("/models/voting_soft_string_labels.onnx"), Map.of("features", "[\"x0\", \"x1\"]"));
    }

    static byte[] regressorBytes() {
        return resource("/models/tree_ensemble_regressor_double.onnx");
    }

    /** Registers the classifier as a new version of {@link #CLASSIFIER} and points {@code champion} at it. */
    static ModelVersion registerClassifierChampion(Mlops mlops) {
        ModelVersion v = register(mlops, CLASSIFIER, classifierBytes());
        mlops.registry().setAlias(CLASSIFIER, "champion", v.version());
        return v;
    }

    static ModelVersion register(Mlops mlops, String name, byte[] model) {
        StoredObject artifact;
        String runId;
        try (ActiveRun run = mlops.tracking().startRun(name)) {
            artifact = run.logArtifact(new ByteArrayInputStream(model), "model/model.onnx");
            runId = run.id();
            run.finish();
        }
        return mlops.registry().createVersion(NewModelVersion.builder(name, artifact.key()).runId(runId).build());
    }

    private static byte[] resource(String path) {
        try (InputStream in = TestModels.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends {@code metadata_props} entries to a model. ModelProto is a protobuf message, so an
     * appended field 14 (StringStringEntryProto) merges into the repeated field.
     */
    static byte[] withMetadata(byte[] model, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(model);
        metadata.forEach((k, v) -> {
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            byte[] value = v.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            entry.write(0x0a);
            varint(entry, key.length);
            entry.writeBytes(key);
            entry.write(0x12);
            varint(entry, value.length);
            entry.writeBytes(value);
            out.write((14 << 3) | 2);
            varint(out, entry.size());
            out.writeBytes(entry.toByteArray());
        });
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }
}
