package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunSpec;
import io.mlops.api.tracking.RunStatus;
import io.mlops.core.internal.environment.RunEnvironment;
import io.mlops.stores.InMemoryArtifactStore;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a run records, automatically, about where it ran. */
class RunEnvironmentTest {

    @Test
    void startRun_recordsJvmOsHostAndLibraries_asTagsAndAnArtifact() throws Exception {
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts("mem:").build();
                ActiveRun run = mlops.tracking().startRun(RunSpec.builder("exp").tag("team", "retail").build())) {
            Run stored = run.snapshot();
            RunEnvironment environment;
            try (InputStream in = mlops.artifacts().open(run.artifactKey("mlops/environment.json"))) {
                environment = RunEnvironment.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }

            assertThat(stored.tags()).containsEntry("mlops.env.cpus", String.valueOf(Runtime.getRuntime().availableProcessors()))
                    .containsEntry("mlops.env.user", System.getProperty("user.name"))
                    .containsKey("mlops.env.java").containsKey("mlops.env.os").containsKey("mlops.env.host")
                    .containsEntry("team", "retail");
            assertThat(stored.tags().get("mlops.env.java")).startsWith(System.getProperty("java.version"));
            assertThat(environment.libraries()).as("this test's own class path")
                    .anySatisfy(library -> assertThat(library.name()).isEqualTo("junit-jupiter-api"));
            assertThat(stored.tags()).containsEntry("mlops.env.libraries", String.valueOf(environment.libraries().size()));
            // The build runs inside the project's git repository.
            environment.git().ifPresent(git -> assertThat(stored.tags()).containsEntry("mlflow.source.git.commit", git.commit()));
            run.finish();
        }
    }

    @Test
    void capturedTags_cannotBeRestatedByTheCaller_atStartOrLater() {
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts("mem:").build()) {
            assertThatThrownBy(() -> mlops.tracking().startRun(RunSpec.builder("exp").tag("mlops.git.dirty", "false").build()))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'mlops.git.dirty'")
                    .hasMessageContaining("captureEnvironment(false)");
            assertThat(mlops.tracking().findExperimentByName("exp")).isEmpty();
            try (ActiveRun run = mlops.tracking().startRun("exp")) {
                assertThatThrownBy(() -> run.setTag("mlflow.source.git.commit", "0".repeat(40)))
                        .isInstanceOf(InvalidArgumentException.class);
                run.finish();
            }
        }
        try (Mlops own = Mlops.builder().metadata("mem:").artifacts("mem:").captureEnvironment(false).build();
                ActiveRun run = own.tracking().startRun(RunSpec.builder("exp").tag("mlops.git.dirty", "false").build())) {
            assertThat(run.snapshot().tags()).containsEntry("mlops.git.dirty", "false");
            run.finish();
        }
    }

    @Test
    void captureEnvironmentOff_recordsNothing() {
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts("mem:").captureEnvironment(false).build();
                ActiveRun run = mlops.tracking().startRun("exp")) {
            assertThat(run.snapshot().tags()).isEmpty();
            assertThat(mlops.artifacts().list("runs/")).isEmpty();
            run.finish();
        }
    }

    @Test
    void environmentCannotBeStored_runEndsFailedWithTheReason_andTheErrorPropagates() {
        InMemoryArtifactStore real = new InMemoryArtifactStore();
        ArtifactStore failing = (ArtifactStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ArtifactStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put")) {
                        throw new StoreUnavailableException("artifact store down (test)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (Mlops mlops = Mlops.builder().metadata("mem:").artifacts(failing).build()) {
            assertThatThrownBy(() -> mlops.tracking().startRun("exp"))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("artifact store down");

            Run run = mlops.tracking().listRuns(mlops.tracking().getExperimentByName("exp").id()).get(0);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.tags().get("mlops.end_reason")).contains("environment could not be stored");
        }
    }
}
