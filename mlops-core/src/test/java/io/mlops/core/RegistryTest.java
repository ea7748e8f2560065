package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.ModelUri;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.Registry;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.tck.Concurrently;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry through the public API over the in-memory stores. No model flavor is on
 * mlops-core's test class path, so every registration here names its flavor and signature.
 */
class RegistryTest {

    private static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");
    private static final ModelSignature SIGNATURE = new ModelSignature(
            List.of(io.mlops.api.registry.TensorSpec.tensor("features", DataType.FLOAT, List.of(-1L, 4L))),
            List.of(io.mlops.api.registry.TensorSpec.tensor("score", DataType.FLOAT, List.of(-1L))),
            Map.of("producer", "test"));

    private final MutableClock clock = new MutableClock(T0);
    private Mlops mlops;
    private Registry registry;

    @BeforeEach
    void open() {
        mlops = Mlops.builder().metadata("mem:").artifacts("mem:").clock(clock).principal(Principal.of("alice")).build();
        registry = mlops.registry();
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    // ---- versions

    @Test
    void createVersion_fromStoredArtifacts_numbersFromOneAndCopiesTheStoresRecord() throws Exception {
        ActiveRun run = mlops.tracking().startRun("credit-risk");
        assertThat(registry.findModel("credit-risk")).isEmpty();

        List<ModelVersion> created = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            byte[] bytes = ("model bytes of attempt " + i).getBytes(StandardCharsets.UTF_8);
            StoredObject artifact = run.logArtifact(new ByteArrayInputStream(bytes), "model-" + i + "/model.bin");
            clock.advance(Duration.ofSeconds(1));
            created.add(registry.createVersion(custom("credit-risk", artifact.key()).runId(run.id())
                    .description("attempt " + i).tag("attempt", Integer.toString(i)).build()));

            ModelVersion v = created.get(i - 1);
            StoredObject record = mlops.artifacts().stat(artifact.key()).orElseThrow();
            assertThat(v.version()).isEqualTo(i);
            assertThat(v.sha256()).isEqualTo(record.sha256()).isEqualTo(sha256(bytes));
            assertThat(v.sizeBytes()).isEqualTo(record.size()).isEqualTo(bytes.length);
            assertThat(v.artifactKey()).isEqualTo(artifact.key());
            assertThat(v.runId()).isEqualTo(run.id());
            assertThat(v.createdBy()).isEqualTo("alice");
            assertThat(v.creationTime()).isEqualTo(clock.millis());
            assertThat(v.flavor()).isEqualTo("custom");
            assertThat(v.signature()).isEqualTo(SIGNATURE);
            assertThat(v.status()).isEqualTo(ModelVersionStatus.NEW);
            assertThat(v.description()).isEqualTo("attempt " + i);
            assertThat(v.tags()).containsExactly(Map.entry("attempt", Integer.toString(i)));
        }

        assertThat(registry.listVersions("credit-risk")).containsExactlyElementsOf(created);
        assertThat(registry.getVersion("credit-risk", 2)).isEqualTo(created.get(1));
        RegisteredModel model = registry.getModel("credit-risk");
        assertThat(model.latestVersion()).isEqualTo(3);
        assertThat(model.creationTime()).isEqualTo(T0.plusSeconds(1).toEpochMilli());
        assertThat(registry.listModels()).extracting(RegisteredModel::name).containsExactly("credit-risk");
    }

    @Test
    void createVersion_withoutRun_hasEmptyRunId() {
        String key = store("models/m/model.bin", "bytes");

        ModelVersion v = registry.createVersion(custom("m", key).build());

        assertThat(v.runId()).isEmpty();
        assertThat(v.uri()).isEqualTo(ModelUri.ofVersion("m", 1));
    }

    @Test
    void createVersion_unknownRun_isNotFoundNamingIt_andNothingRegistered() {
        String key = store("models/m/model.bin", "bytes");
        String runId = "0123456789abcdef0123456789abcdef";

        assertThatThrownBy(() -> registry.createVersion(custom("m", key).runId(runId).build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(runId);
        assertThat(registry.findModel("m")).isEmpty();
    }

    @Test
    void createVersion_missingArtifact_isNotFoundNamingTheKey_andNothingRegistered() {
        assertThatThrownBy(() -> registry.createVersion(custom("m", "models/m/missing.bin").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("models/m/missing.bin")
                .hasMessageContaining("'m'");
        assertThat(registry.findModel("m")).isEmpty();
    }

    @Test
    void createVersion_invalidArtifactKey_isRefused() {
        assertThatThrownBy(() -> registry.createVersion(custom("m", "../outside.bin").build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("../outside.bin");
        assertThat(registry.findModel("m")).isEmpty();
    }

    @Test
    void createVersion_noFlavorOnClassPathAndNoneGiven_isRefusedNamingTheArtifact() {
        String bin = store("models/m/model.bin", "bytes");
        String onnx = store("models/m/model.onnx", "not really onnx");

        assertThatThrownBy(() -> registry.createVersion(NewModelVersion.builder("m", bin).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(bin)
                .hasMessageContaining("flavor");
        assertThatThrownBy(() -> registry.createVersion(NewModelVersion.builder("m", onnx).signature(SIGNATURE).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(onnx)
                .hasMessageContaining("mlops-onnx");
        assertThat(registry.findModel("m")).isEmpty();
    }

    @Test
    void createVersion_explicitFlavorAndSignature_isRegisteredAsGiven() {
        String key = store("models/m/model.bin", "bytes");

        ModelVersion v = registry.createVersion(NewModelVersion.builder("m", key).flavor("custom").signature(SIGNATURE).build());

        assertThat(v.flavor()).isEqualTo("custom");
        assertThat(v.signature()).isEqualTo(SIGNATURE);
        assertThat(registry.resolve("models:/m/1")).isEqualTo(v);
    }

    @Test
    void createVersion_sameNameConcurrently_yieldsConsecutiveVersions() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keys.add(store("models/race/" + i + "/model.bin", "bytes " + i));
        }
        List<Callable<ModelVersion>> tasks = new ArrayList<>();
        for (String key : keys) {
            tasks.add(() -> registry.createVersion(custom("race", key).build()));
        }

        List<ModelVersion> created = Concurrently.run(tasks);

        assertThat(created).extracting(ModelVersion::version).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 8).boxed().toList());
        assertThat(created).extracting(ModelVersion::artifactKey).containsExactlyElementsOf(keys);
        assertThat(registry.listVersions("race")).extracting(ModelVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 8).boxed().toList());
        assertThat(registry.listVersions("race")).containsExactlyInAnyOrderElementsOf(created);
        assertThat(registry.getModel("race").latestVersion()).isEqualTo(8);
    }

    @Test
    void getVersion_unknownModel_isNotFoundNamingIt() {
        assertThatThrownBy(() -> registry.getVersion("nothing", 1))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nothing");
        assertThatThrownBy(() -> registry.getModel("nothing"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nothing");
    }

    // ---- aliases and resolving

    @Test
    void alias_setMoveAndDelete_areResolvedThroughUris() {
        ModelVersion v1 = registerVersions("m", 2).get(0);
        ModelVersion v2 = registry.getVersion("m", 2);

        registry.setAlias("m", "staging", 1);
        assertThat(registry.resolve("models:/m@staging")).isEqualTo(v1);
        assertThat(registry.getModel("m").alias("staging")).contains(1);

        registry.setAlias("m", "staging", 2);
        registry.setAlias("m", "challenger", 1);
        assertThat(registry.resolve("models:/m@staging")).isEqualTo(v2);
        assertThat(registry.resolve(ModelUri.ofAlias("m", "challenger"))).isEqualTo(v1);
        assertThat(registry.resolve("models:/m/2")).isEqualTo(v2);
        assertThat(registry.getModel("m").aliases()).containsOnly(Map.entry("staging", 2), Map.entry("challenger", 1));

        assertThat(registry.deleteAlias("m", "staging")).isTrue();
        assertThat(registry.deleteAlias("m", "staging")).isFalse();
        assertThat(registry.getModel("m").aliases()).containsOnly(Map.entry("challenger", 1));
        assertThatThrownBy(() -> registry.resolve("models:/m@staging")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void resolve_unknownAlias_isNotFoundListingTheExistingAliases() {
        registerVersions("m", 2);
        registry.setAlias("m", "live", 2);
        registry.setAlias("m", "shadow", 1);

        assertThatThrownBy(() -> registry.resolve("models:/m@staging"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("'staging'")
                .hasMessageContaining("live")
                .hasMessageContaining("shadow");
    }

    @Test
    void resolve_unknownVersion_isNotFoundNamingTheRange() {
        registerVersions("m", 3);

        assertThatThrownBy(() -> registry.resolve("models:/m/4"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("version 4")
                .hasMessageContaining("'m'")
                .hasMessageContaining("1..3");
    }

    @Test
    void resolve_unknownModel_isNotFoundNamingIt() {
        assertThatThrownBy(() -> registry.resolve("models:/ghost/1"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("ghost");
        assertThatThrownBy(() -> registry.resolve("models:/ghost@staging"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("ghost");
    }

    @Test
    void setAlias_toMissingVersion_isNotFoundAndTheAliasIsUnchanged() {
        registerVersions("m", 2);
        registry.setAlias("m", "staging", 1);

        assertThatThrownBy(() -> registry.setAlias("m", "staging", 5))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("version 5")
                .hasMessageContaining("1..2");
        assertThatThrownBy(() -> registry.setAlias("m", "fresh", 3)).isInstanceOf(NotFoundException.class);

        assertThat(registry.getModel("m").aliases()).containsExactly(Map.entry("staging", 1));
        assertThat(registry.resolve("models:/m@staging").version()).isEqualTo(1);
    }

    // ---- naming rules

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "_x", ".x", "a/b", "a@b", "a b", "ümlaut"})
    void modelName_invalid_isRefusedNamingIt(String name) {
        String key = store("models/any/model.bin", "bytes");

        assertThatThrownBy(() -> registry.createModel(name, "", Map.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("model name '" + name + "'");
        assertThatThrownBy(() -> registry.getOrCreateModel(name))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("model name '" + name + "'");
        assertThatThrownBy(() -> registry.createVersion(custom(name, key).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("model name '" + name + "'");
        assertThat(registry.listModels()).isEmpty();
    }

    @Test
    void modelName_longerThan128_isRefused_and128IsAccepted() {
        String tooLong = "m".repeat(129);

        assertThatThrownBy(() -> registry.createModel(tooLong, "", Map.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(tooLong)
                .hasMessageContaining("128");
        assertThat(registry.listModels()).isEmpty();
        assertThat(registry.createModel("m".repeat(128), "", Map.of()).name()).hasSize(128);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Champion", "latest", "v3", "9x", "", "-x", "with space", "a@b"})
    void alias_invalid_isRefusedNamingIt(String alias) {
        registerVersions("m", 1);

        assertThatThrownBy(() -> registry.setAlias("m", alias, 1))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("alias '" + alias + "'");
        assertThatThrownBy(() -> registry.deleteAlias("m", alias))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("alias '" + alias + "'");
        assertThat(registry.getModel("m").aliases()).isEmpty();
    }

    @Test
    void alias_longerThan64_isRefused() {
        registerVersions("m", 1);
        String tooLong = "a".repeat(65);

        assertThatThrownBy(() -> registry.setAlias("m", tooLong, 1))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(tooLong);
        registry.setAlias("m", "a".repeat(64), 1);
        assertThat(registry.getModel("m").aliases()).containsOnlyKeys("a".repeat(64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"models:/", "models:/m/abc", "models:/m/0", "models:/m/-1", "runs:/x", "models:/m/1/2",
            "models:/m@", "models:/@champion", "models:/m@champion/1", "models:m/1"})
    void resolve_invalidUri_isRefusedNamingIt(String uri) {
        registerVersions("m", 1);

        assertThatThrownBy(() -> registry.resolve(uri))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'" + uri + "'");
    }

    @Test
    void resolve_uriBreakingTheNamingRules_isRefused() {
        assertThatThrownBy(() -> registry.resolve("models:/m@Champion"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'Champion'");
        assertThatThrownBy(() -> registry.resolve("models:/-m/1"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'-m'");
    }

    // ---- helpers

    private List<ModelVersion> registerVersions(String model, int count) {
        List<ModelVersion> versions = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String key = store("models/" + model + "/" + i + "/model.bin", model + " version " + i);
            versions.add(registry.createVersion(custom(model, key).build()));
        }
        return versions;
    }

    private static NewModelVersion.Builder custom(String model, String key) {
        return NewModelVersion.builder(model, key).flavor("custom").signature(SIGNATURE);
    }

    private String store(String key, String content) {
        return mlops.artifacts().put(key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8))).key();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
