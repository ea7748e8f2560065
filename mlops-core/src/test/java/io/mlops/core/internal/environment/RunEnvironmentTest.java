package io.mlops.core.internal.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.IntegrityException;
import io.mlops.core.internal.Validation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunEnvironmentTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private static final List<Library> LIBRARIES = List.of(
            new Library("", "target/classes", "directory", "target/classes"),
            new Library("com.fasterxml.jackson.core", "jackson-databind", "2.18.2", "jackson-databind-2.18.2.jar"));

    private static RunEnvironment environment(Optional<GitState> git, String user) {
        return new RunEnvironment(git, "17.0.15", "Eclipse Adoptium", "OpenJDK Runtime Environment / OpenJDK 64-Bit Server VM",
                "Linux", "6.1", "amd64", 8, "trainer-01", user, "/work/pd-model", LIBRARIES);
    }

    private static GitState git(Optional<Boolean> dirty) {
        return new GitState(COMMIT, Optional.of("main"), dirty, Optional.of("https://example.com/org/repo.git"),
                Path.of("/work/pd-model"));
    }

    @Test
    void toJson_roundTrip_isEqual() {
        RunEnvironment full = environment(Optional.of(git(Optional.of(true))), "analyst");
        RunEnvironment sparse = environment(Optional.of(new GitState(COMMIT, Optional.empty(), Optional.empty(),
                Optional.empty(), Path.of("/r"))), "analyst");
        RunEnvironment noGit = environment(Optional.empty(), "analyst");

        for (RunEnvironment env : List.of(full, sparse, noGit)) {
            assertThat(RunEnvironment.fromJson(env.toJson())).isEqualTo(env);
        }
    }

    @Test
    void toJson_hasFormatAndStableText() {
        RunEnvironment env = environment(Optional.of(git(Optional.of(false))), "analyst");

        String json = env.toJson();

        assertThat(json).startsWith("{\"format\":1,\"git\":{\"commit\":\"" + COMMIT + "\"");
        assertThat(json).contains("\"dirty\":false").contains("\"cpus\":8").contains("\"libraries\":[");
        assertThat(RunEnvironment.fromJson(json).toJson()).isEqualTo(json);
    }

    @Test
    void fromJson_unknownFormatOrGarbage_isAnIntegrityError() {
        String future = environment(Optional.empty(), "u").toJson().replace("\"format\":1", "\"format\":2");

        assertThatThrownBy(() -> RunEnvironment.fromJson(future)).isInstanceOf(IntegrityException.class).hasMessageContaining("format 2");
        assertThatThrownBy(() -> RunEnvironment.fromJson("{not json")).isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> RunEnvironment.fromJson("{\"format\":1,\"git\":{\"commit\":\"nope\",\"root\":\"/\"}}"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("git");
    }

    @Test
    void tags_containTheMlflowAndMlopsKeys() {
        Map<String, String> tags = environment(Optional.of(git(Optional.of(true))), "analyst").tags();

        assertThat(tags).containsOnly(
                Map.entry("mlflow.source.git.commit", COMMIT),
                Map.entry("mlflow.source.git.branch", "main"),
                Map.entry("mlflow.source.git.repoURL", "https://example.com/org/repo.git"),
                Map.entry("mlops.git.dirty", "true"),
                Map.entry("mlops.env.java", "17.0.15 (Eclipse Adoptium)"),
                Map.entry("mlops.env.os", "Linux 6.1 amd64"),
                Map.entry("mlops.env.cpus", "8"),
                Map.entry("mlops.env.host", "trainer-01"),
                Map.entry("mlops.env.user", "analyst"),
                Map.entry("mlops.env.libraries", "2"));
        tags.keySet().forEach(k -> assertThat(Validation.key("tag", k)).isEqualTo(k));
    }

    @Test
    void tags_unknownDirtiness_andNoGit() {
        GitState detached = new GitState(COMMIT, Optional.empty(), Optional.empty(), Optional.empty(), Path.of("/r"));

        Map<String, String> unknown = environment(Optional.of(detached), "u").tags();
        assertThat(unknown).containsEntry("mlops.git.dirty", "unknown")
                .doesNotContainKeys("mlflow.source.git.branch", "mlflow.source.git.repoURL");

        Map<String, String> none = environment(Optional.empty(), "u").tags();
        assertThat(none).doesNotContainKeys("mlflow.source.git.commit", "mlops.git.dirty")
                .containsKeys("mlops.env.java", "mlops.env.os", "mlops.env.libraries");
    }

    @Test
    void tags_longValues_fitTheTagLimit() {
        String longName = "u".repeat(Validation.MAX_TAG_VALUE + 500);

        String tag = environment(Optional.empty(), longName).tags().get("mlops.env.user");

        assertThat(tag).hasSize(Validation.MAX_TAG_VALUE).endsWith("...").startsWith("uuuu");
        assertThat(RunEnvironment.fitTag("\uD83D\uDE00".repeat(5000))).hasSizeLessThanOrEqualTo(Validation.MAX_TAG_VALUE)
                .satisfies(s -> assertThat(Character.isHighSurrogate(s.charAt(s.length() - 4))).isFalse());
    }

    @Test
    void constructor_copiesLibraries() {
        List<Library> mutable = new java.util.ArrayList<>(LIBRARIES);
        RunEnvironment env = new RunEnvironment(Optional.empty(), null, null, null, null, null, null, 1, null, null, null, mutable);
        mutable.clear();

        assertThat(env.libraries()).hasSize(2);
        assertThat(env.javaVersion()).isEmpty();
        assertThat(env.tags()).containsEntry("mlops.env.libraries", "2").containsEntry("mlops.env.os", "");
    }
}
