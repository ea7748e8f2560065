package io.mlops.core.internal.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GitStateTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://user:s3cret@example.com/org/repo.git|https://example.com/org/repo.git",
        "https://ghp_token123@github.com/org/repo.git|https://github.com/org/repo.git",
        "http://user:pw@example.com:8080/org/repo|http://example.com:8080/org/repo",
        "HTTPS://oauth2:glpat-xyz@gitlab.example.com/a/b.git|HTTPS://gitlab.example.com/a/b.git",
        "https://user:p@ss@example.com/org/repo.git|https://example.com/org/repo.git",
        "https://user@dev.azure.com/org/proj/_git/repo|https://dev.azure.com/org/proj/_git/repo",
        "ssh://git:pw@example.com/org/repo.git|ssh://git@example.com/org/repo.git",
        "ssh://git@example.com:2222/org/repo.git|ssh://git@example.com:2222/org/repo.git",
        "git@example.com:org/repo.git|git@example.com:org/repo.git",
        "https://example.com/org/repo.git|https://example.com/org/repo.git",
        "https://example.com/org/repo@v1|https://example.com/org/repo@v1",
        "/srv/git/repo.git|/srv/git/repo.git",
        "file:///srv/git/repo.git|file:///srv/git/repo.git"})
    void withoutCredentials_removesSecretsKeepsTheRest(String url, String expected) {
        assertThat(GitState.withoutCredentials(url)).isEqualTo(expected);
    }

    @Test
    void withoutCredentials_nullAndBlank_areEmpty() {
        assertThat(GitState.withoutCredentials(null)).isEmpty();
        assertThat(GitState.withoutCredentials("  ")).isEmpty();
    }

    @Test
    void constructor_stripsCredentialsFromRemote() {
        GitState state = new GitState(COMMIT, Optional.of("main"), Optional.of(true),
                Optional.of("https://ci:s3cret@example.com/org/repo.git"), Path.of("/src/repo"));

        assertThat(state.remoteUrl()).contains("https://example.com/org/repo.git");
        assertThat(state.toString()).doesNotContain("s3cret");
    }

    @Test
    void constructor_normalisesCommitAndBlankBranch() {
        GitState state = new GitState(COMMIT.toUpperCase(), Optional.of(" "), Optional.empty(), Optional.of(""),
                Path.of("/src/repo"));

        assertThat(state.commit()).isEqualTo(COMMIT);
        assertThat(state.branch()).isEmpty();
        assertThat(state.remoteUrl()).isEmpty();
    }

    @Test
    void constructor_rejectsWhatIsNotACommitId() {
        assertThatThrownBy(() -> new GitState("abc123", Optional.empty(), Optional.empty(), Optional.empty(), Path.of("/r")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("abc123");
        assertThat(new GitState("a".repeat(64), Optional.empty(), Optional.empty(), Optional.empty(), Path.of("/r")).commit())
                .hasSize(64);
    }
}
