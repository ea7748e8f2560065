package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.Mlops;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.Principal;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.governance.AuditLog;
import io.mlops.api.governance.AuditOutcome;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.registry.ValueKind;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.serving.Scorer;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.stores.InMemoryArtifactStore;
import io.mlops.stores.LocalArtifactStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path through the public API: a run stores an ONNX file, the registry detects its flavor
 * and reads its signature, an alias points at it, and {@code Mlops.scorer} serves it after checking
 * its bytes.
 */
class ScoringThroughMlopsTest {

    private static final String VOTING = "ort_sklearn_voting_soft_string_labels";
    /** A different valid model: what an attacker or a careless copy could put in its place. */
    private static final String OTHER = "ort_sklearn_logreg_iris";
    private static final String URI = "models:/voting@champion";
    private static final RoleMapping ROLES = RoleMapping.builder().everyone(Role.DATA_SCIENTIST)
            .group("model-validation", Role.VALIDATOR).build();

    @TempDir
    Path temp;

    /** The voting classifier with its two input columns named, so rows can name features. */
    private static byte[] votingModel() {
        return Conformance.withMetadata(Conformance.model(VOTING), Map.of("features", "[\"x0\", \"x1\"]"));
    }

    /** Logs the model from a run, registers it without flavor or signature, and makes it champion. */
    private static ModelVersion registerChampion(Mlops mlops, byte[] model) {
        StoredObject artifact;
        String runId;
        try (ActiveRun run = mlops.tracking().startRun("voting")) {
            artifact = run.logArtifact(new ByteArrayInputStream(model), "model/model.onnx");
            runId = run.id();
            run.finish();
        }
        ModelVersion version = mlops.registry().createVersion(
                NewModelVersion.builder("voting", artifact.key()).runId(runId).build());
        // The governed path: its author asks, an independent validator approves and promotes.
        Mlops validator = mlops.as(Principal.of("victor", Set.of("model-validation")));
        mlops.governance().requestApproval("voting", version.version(), "matches the reference outputs");
        validator.governance().approve("voting", version.version(), "validated");
        validator.registry().setAlias("voting", "champion", version.version());
        return mlops.registry().getVersion("voting", version.version());
    }

    @Test
    void scorer_byAlias_detectsFlavorReadsSignatureAndMatchesTheReference() {
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts("mem:").roles(ROLES).principal(Principal.of("alice")).build()) {
            byte[] model = votingModel();
            ModelVersion version = registerChampion(mlops, model);

            assertThat(version.flavor()).isEqualTo("onnx");
            assertThat(version.sha256()).isEqualTo(Conformance.sha256(model));
            assertThat(version.signature().inputs()).containsExactly(
                    TensorSpec.tensor("input", DataType.FLOAT, List.of(-1L, 2L)));
            assertThat(version.signature().output("output_label")).contains(
                    TensorSpec.tensor("output_label", DataType.STRING, List.of(-1L)));
            assertThat(version.signature().output("output_probability").map(TensorSpec::kind))
                    .contains(ValueKind.SEQUENCE_OF_MAPS);
            assertThat(version.signature().metadata()).containsEntry("features", "[\"x0\", \"x1\"]");

            JsonNode set = Conformance.reference(VOTING).get("reference_sets").get(0);
            JsonNode inputs = set.at("/inputs/input/data");
            JsonNode labels = set.at("/outputs/output_label/data");
            JsonNode probabilities = set.at("/outputs/output_probability/data");
            JsonNode tolerance = set.get("tolerance");
            assertThat(labels.size()).isPositive();

            try (Scorer scorer = mlops.scorer(URI)) {
                assertThat(scorer.version()).isEqualTo(version);
                for (int r = 0; r < labels.size(); r++) {
                    String where = VOTING + " row " + r;
                    Map<String, Object> row = Map.of("x0", inputs.get(2 * r).asDouble(), "x1", inputs.get(2 * r + 1).asDouble());

                    Prediction p = scorer.score(row);

                    assertThat(p.kind()).as(where).isEqualTo(PredictionKind.CLASSIFICATION);
                    assertThat(p.label()).as(where).contains(labels.get(r).asText());
                    JsonNode expected = probabilities.get(r);
                    assertThat(p.probabilities().keySet()).as(where).containsExactlyInAnyOrderElementsOf(
                            () -> expected.fieldNames());
                    expected.fields().forEachRemaining(e -> Conformance.assertElement(where + " P(" + e.getKey() + ")",
                            "float32", e.getValue(), p.probability(e.getKey()), tolerance));
                }
            }
        }
    }

    @Test
    void scorer_missingFeature_isRefusedNamingIt() {
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts("mem:").roles(ROLES).build()) {
            registerChampion(mlops, votingModel());

            try (Scorer scorer = mlops.scorer(URI)) {
                assertThatThrownBy(() -> scorer.score(Map.of("x0", 1.0)))
                        .isInstanceOf(InvalidArgumentException.class)
                        .hasMessageContaining("x1");
            }
        }
    }

    @Test
    void scorer_bytesReplacedInMemoryStore_isRefusedNamingModelAndDigest() {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts(store).roles(ROLES).build()) {
            ModelVersion version = registerChampion(mlops, votingModel());
            try (Scorer before = mlops.scorer(URI)) {
                assertThat(before.version()).isEqualTo(version);
            }

            InMemoryArtifactStore.tamper(store, version.artifactKey(), Conformance.model(OTHER));

            assertTampered(mlops, version);
        }
    }

    @Test
    void scorer_fileReplacedInLocalStore_isRefusedNamingModelAndDigest() throws Exception {
        LocalArtifactStore store = LocalArtifactStore.open(temp.resolve("artifacts"));
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts(store).roles(ROLES).build()) {
            ModelVersion version = registerChampion(mlops, votingModel());
            Path file = store.dataPath(version.artifactKey());
            assertThat(file).hasBinaryContent(votingModel());

            Files.write(file, Conformance.model(OTHER));

            assertTampered(mlops, version);
        }
    }

    /** Replacing both the bytes and the store's own record is still caught by the registry's digest. */
    @Test
    void scorer_bytesAndStoreRecordReplaced_isRefusedByTheRegisteredDigest() {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts(store).roles(ROLES).build()) {
            ModelVersion version = registerChampion(mlops, votingModel());

            // Straight at the store, as someone with storage access but no SDK role would.
            ArtifactStore artifacts = store;
            assertThat(artifacts.delete(version.artifactKey())).isTrue();
            artifacts.put(version.artifactKey(), new ByteArrayInputStream(Conformance.model(OTHER)));

            assertTampered(mlops, version);
        }
    }

    private static void assertTampered(Mlops mlops, ModelVersion version) {
        assertThatThrownBy(() -> mlops.scorer(URI))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(version.uri().toString())
                .hasMessageContaining(version.sha256())
                .hasMessageContaining(Conformance.sha256(Conformance.model(OTHER)));

        AuditLog audit = mlops.as(Principal.of("victor", Set.of("model-validation"))).governance().audit();
        List<AuditEntry> entries = audit.entries(1, 1_000);
        AuditEntry refusal = entries.get(entries.size() - 1);
        assertThat(refusal.outcome()).isEqualTo(AuditOutcome.FAILED);
        assertThat(refusal.action()).isEqualTo("serving.load");
        assertThat(refusal.target()).isEqualTo(version.uri().toString());
        assertThat(refusal.summary()).contains(version.sha256());
        assertThat(audit.verify().intact()).isTrue();
    }
}
