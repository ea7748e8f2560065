package io.mlops.http;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.mlops.Mlops;
import io.mlops.api.Principal;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.tracking.ActiveRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
        promote(mlops, v);
        return v;
    }

    /** Roles for the test endpoints: everyone develops, victor validates. */
    static final RoleMapping ROLES = RoleMapping.builder().everyone(Role.DATA_SCIENTIST)
            .user("victor", Role.VALIDATOR).user("svc-outcomes", Role.OUTCOME_RECORDER).build();

    /** The governed path to {@code champion}: approval requested, approved by victor, alias moved by victor. */
    static void promote(Mlops mlops, ModelVersion v) {
        Mlops victor = mlops.as(Principal.of("victor"));
        mlops.governance().requestApproval(v.name(), v.version(), "reference outputs match");
        victor.governance().approve(v.name(), v.version(), "validated");
        victor.registry().setAlias(v.name(), "champion", v.version());
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
}
