package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.Principal;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.artifact.StoredObject;
import io.mlops.core.internal.MlopsSettings;
import io.mlops.stores.InMemoryArtifactStore;
import io.mlops.stores.InMemoryMetadataStore;
import io.mlops.stores.LocalArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: validated as a whole, set once, resolved by URI scheme, logged with secrets masked. */
class MlopsBuilderTest {

    @TempDir
    Path temp;

    @Test
    void build_withoutStores_reportsBothProblemsAtOnce() {
        assertThatThrownBy(() -> Mlops.builder().build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no metadata store")
                .hasMessageContaining("no artifact store");
    }

    @Test
    void build_withoutArtifactStore_namesOnlyThatProblem() {
        assertThatThrownBy(() -> Mlops.builder().metadata("mem:").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no artifact store")
                .hasMessageNotContaining("no metadata store");
    }

    @Test
    void metadata_setTwice_failsImmediatelyNamingBoth() {
        Mlops.Builder builder = Mlops.builder().metadata("mem:");

        assertThatThrownBy(() -> builder.metadata("jdbc:h2:mem:other"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mem:")
                .hasMessageContaining("jdbc:h2:mem:other");
        assertThatThrownBy(() -> builder.metadata(new InMemoryMetadataStore()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mem:")
                .hasMessageContaining("in-memory metadata store");
        assertThatThrownBy(() -> builder.local(temp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mem:");
    }

    @Test
    void artifacts_setTwice_failsImmediatelyNamingBoth() {
        Mlops.Builder builder = Mlops.builder().artifacts(new InMemoryArtifactStore());

        assertThatThrownBy(() -> builder.artifacts("file:other"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mem:")
                .hasMessageContaining("file:other");
    }

    @Test
    void principalAndClock_setTwice_failNamingTheFirst() {
        Mlops.Builder builder = Mlops.builder().principal(Principal.of("alice")).clock(new MutableClock(Instant.EPOCH));

        assertThatThrownBy(() -> builder.principal(Principal.of("bob")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alice");
        assertThatThrownBy(() -> builder.clock(new MutableClock(Instant.EPOCH)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MutableClock");
    }

    @Test
    void unknownMetadataScheme_isRefusedNamingTheUriAndTheModulesToAdd() {
        assertThatThrownBy(() -> Mlops.builder().metadata("cassandra://x").artifacts("mem:").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'cassandra://x'")
                .hasMessageContaining("mlops-jdbc");
    }

    @Test
    void unknownArtifactScheme_isRefusedNamingTheUriAndTheModulesToAdd() {
        assertThatThrownBy(() -> Mlops.builder().metadata("mem:").artifacts("cassandra://x").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'cassandra://x'")
                .hasMessageContaining("mlops-s3");
    }

    @Test
    void local_withoutJdbcModuleOnTheClassPath_isRefusedNamingTheModule() {
        assertThatThrownBy(() -> Mlops.local(temp))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("jdbc:h2:")
                .hasMessageContaining("mlops-jdbc");
    }

    @Test
    void fileArtifactUri_opensALocalArtifactStoreInTheFolder() throws Exception {
        Path folder = temp.resolve("artifacts");
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts(folder.toUri().toString()).build()) {
            assertThat(mlops.artifacts().location()).isEqualTo(folder.toAbsolutePath().normalize().toUri().toString());

            byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
            StoredObject stored = mlops.artifacts().put("notes/hello.txt", new ByteArrayInputStream(bytes));

            assertThat(folder.resolve("notes/hello.txt")).hasBinaryContent(bytes);
            assertThat(stored.size()).isEqualTo(bytes.length);
        }
    }

    @Test
    void inMemory_worksWithoutFurtherConfiguration() {
        try (Mlops mlops = Mlops.inMemory()) {
            assertThat(mlops.tracking().getOrCreateExperiment("e").name()).isEqualTo("e");
            assertThat(mlops.principal()).isEqualTo(Principal.currentUser());
        }
    }

    @Test
    void build_passedStoreInstances_areUsedAsGiven() {
        InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
        try (Mlops mlops = Mlops.builder().metadata(new InMemoryMetadataStore()).artifacts(artifacts)
                .principal(Principal.of("svc")).build()) {
            // Handed out behind authorization, but the very store given.
            assertThat(mlops.artifacts().location()).isEqualTo(artifacts.location());
            mlops.artifacts().put("k", new ByteArrayInputStream(new byte[] {1}));
            assertThat(artifacts.stat("k")).isPresent();
            assertThat(mlops.principal().name()).isEqualTo("svc");
        }
    }

    @Test
    void toStringAndStartupLog_neverShowAPasswordOption() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Mlops mlops;
        // slf4j-simple writes to whatever System.err is at the time of the call.
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            mlops = Mlops.builder()
                    .metadata("mem:", Map.of("user", "mlops", "password", "hunter2"))
                    .artifacts("mem:", Map.of("secret", "s3cr3t-value", "Token", "tok-value", "region", "eu-west-1"))
                    .build();
        } finally {
            System.setErr(originalErr);
        }
        try (mlops) {
            String log = captured.toString(StandardCharsets.UTF_8);
            assertThat(log).contains("MLOps SDK started").contains("user=mlops").contains("region=eu-west-1");
            assertThat(mlops.toString()).contains("mem:").contains("user=mlops").contains("password=****");
            for (String shown : new String[] {log, mlops.toString()}) {
                assertThat(shown).doesNotContain("hunter2").doesNotContain("s3cr3t-value").doesNotContain("tok-value");
            }
        }
    }

    @Test
    void passwordInsideAUri_isMaskedInErrorsAndInTheDescription() {
        for (String uri : new String[] {"jdbc:postgresql://db:5432/mlops?user=mlops&password=hunter2&ssl=true",
                "jdbc:h2:tcp://db/mlops;USER=mlops;PASSWORD=hunter2", "jdbc:postgresql://mlops:hunter2@db:5432/mlops"}) {
            assertThatThrownBy(() -> Mlops.builder().metadata(uri).artifacts("mem:").build())
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("mlops-jdbc")
                    .hasMessageContaining("****")
                    .hasMessageNotContaining("hunter2");
            Mlops.Builder builder = Mlops.builder().metadata(uri);
            assertThatThrownBy(() -> builder.metadata("mem:"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("db")
                    .hasMessageNotContaining("hunter2");

            String described = new MlopsSettings(uri, Map.of(), null, "mem:", Map.of(), null, Principal.of("alice"),
                    new MutableClock(Instant.EPOCH), true, RoleMapping.defaults(), MlopsSettings.DEFAULT_PROTECTED_ALIASES, true)
                    .describe();
            assertThat(described).contains("mlops").contains("db").contains("****").doesNotContain("hunter2");
        }
        assertThat(MlopsSettings.maskUri("jdbc:postgresql://db:5432/mlops?ssl=true&password=hunter2"))
                .isEqualTo("jdbc:postgresql://db:5432/mlops?ssl=true&password=****");
        assertThat(MlopsSettings.maskUri("jdbc:h2:file:/data/mlops;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:/data/mlops;AUTO_SERVER=TRUE");
    }
}
