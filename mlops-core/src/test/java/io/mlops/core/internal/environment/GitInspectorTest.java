package io.mlops.core.internal.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitInspectorTest {

    @TempDir
    Path tmp;

    private TestRepos repos;
    private Path repo;

    @BeforeEach
    void setUp() throws IOException {
        repos = new TestRepos(tmp.resolve("home"));
        repo = tmp.resolve("repo");
    }

    private static GitState present(Optional<GitState> state) {
        assertThat(state).isPresent();
        return state.get();
    }

    @Test
    void inspect_cleanRepository_hasCommitBranchAndNotDirty() throws IOException {
        repos.repoWithCommit(repo);
        String head = repos.head(repo);

        GitState state = present(repos.inspector().inspect(repo));

        assertThat(state.commit()).isEqualTo(head).hasSize(40);
        assertThat(state.branch()).contains("main");
        assertThat(state.dirty()).contains(false);
        assertThat(state.remoteUrl()).isEmpty();
        assertThat(state.root()).isEqualTo(repo.toAbsolutePath().normalize());
    }

    @Test
    void inspect_fromSubdirectoryOrFile_findsTheEnclosingRepository() throws IOException {
        repos.repoWithCommit(repo);
        Path nested = Files.createDirectories(repo.resolve("src/main"));

        assertThat(present(repos.inspector().inspect(nested)).root()).isEqualTo(repo.toAbsolutePath().normalize());
        assertThat(present(repos.inspector().inspect(repo.resolve("model.txt"))).commit()).isEqualTo(repos.head(repo));
    }

    @Test
    void inspect_modifiedTrackedFile_isDirty() throws IOException {
        repos.repoWithCommit(repo);
        Files.writeString(repo.resolve("model.txt"), "weights v2, not committed\n");

        assertThat(present(repos.inspector().inspect(repo)).dirty()).contains(true);
    }

    @Test
    void inspect_untrackedFileOnly_isNotDirty() throws IOException {
        repos.repoWithCommit(repo);
        Files.writeString(repo.resolve("scratch.log"), "training output\n");

        assertThat(present(repos.inspector().inspect(repo)).dirty()).contains(false);
    }

    @Test
    void inspect_detachedHead_hasNoBranch() throws IOException {
        repos.repoWithCommit(repo);
        String first = repos.head(repo);
        repos.commit(repo, "second");
        repos.git(repo, "checkout", "-q", "--detach", first);

        GitState state = present(repos.inspector().inspect(repo));

        assertThat(state.commit()).isEqualTo(first);
        assertThat(state.branch()).isEmpty();
        assertThat(state.dirty()).contains(false);
    }

    @Test
    void inspect_remoteWithCredentials_urlHasNoSecret() throws IOException {
        repos.repoWithCommit(repo);
        repos.git(repo, "remote", "add", "origin", "https://user:s3cret@example.com/org/repo.git");

        for (GitInspector inspector : List.of(repos.inspector(), repos.filesOnlyInspector())) {
            GitState state = present(inspector.inspect(repo));
            assertThat(state.remoteUrl()).contains("https://example.com/org/repo.git");

            RunEnvironment env = environmentWith(state);
            assertThat(env.tags()).containsEntry(RunEnvironment.TAG_GIT_REPO_URL, "https://example.com/org/repo.git");
            assertThat(env.tags().toString()).doesNotContain("s3cret").doesNotContain("user:s3cret@");
            assertThat(env.toJson()).doesNotContain("s3cret").contains("https://example.com/org/repo.git");
        }
    }

    @Test
    void inspect_scpStyleRemote_keepsTheSshUser() throws IOException {
        repos.repoWithCommit(repo);
        repos.git(repo, "remote", "add", "origin", "git@example.com:org/repo.git");

        assertThat(present(repos.inspector().inspect(repo)).remoteUrl()).contains("git@example.com:org/repo.git");
        assertThat(present(repos.filesOnlyInspector().inspect(repo)).remoteUrl()).contains("git@example.com:org/repo.git");
    }

    @Test
    void inspect_withoutGitBinary_packedRefs_readsCommitAndBranch() throws IOException {
        repos.repoWithCommit(repo);
        repos.commit(repo, "second");
        repos.git(repo, "tag", "-a", "-m", "annotated", "v1");
        repos.git(repo, "pack-refs", "--all");
        assertThat(repo.resolve(".git/refs/heads/main")).doesNotExist();
        assertThat(repo.resolve(".git/packed-refs")).content().contains("refs/heads/main").contains("^");

        GitState state = present(repos.filesOnlyInspector().inspect(repo));

        assertThat(state.commit()).isEqualTo(repos.head(repo));
        assertThat(state.branch()).contains("main");
        assertThat(state.dirty()).isEmpty();
        assertThat(state.root()).isEqualTo(repo.toAbsolutePath().normalize());
    }

    @Test
    void inspect_withoutGitBinary_looseRef_readsCommitAndBranch() throws IOException {
        repos.repoWithCommit(repo);
        repos.git(repo, "checkout", "-q", "-b", "feature/pd-2025");
        String head = repos.commit(repo, "on feature");
        assertThat(repo.resolve(".git/refs/heads/feature/pd-2025")).exists();

        GitState state = present(repos.filesOnlyInspector().inspect(repo));

        assertThat(state.commit()).isEqualTo(head);
        assertThat(state.branch()).contains("feature/pd-2025");
        assertThat(state.dirty()).isEmpty();
        assertThat(state).isEqualTo(new GitState(head, Optional.of("feature/pd-2025"), Optional.empty(),
                Optional.empty(), repo.toAbsolutePath().normalize()));
    }

    @Test
    void inspect_withoutGitBinary_looseRefNewerThanPacked_prefersLoose() throws IOException {
        repos.repoWithCommit(repo);
        String packed = repos.head(repo);
        repos.git(repo, "pack-refs", "--all");
        String newer = repos.commit(repo, "after packing");
        assertThat(newer).isNotEqualTo(packed);

        assertThat(present(repos.filesOnlyInspector().inspect(repo)).commit()).isEqualTo(newer);
    }

    @Test
    void inspect_withoutGitBinary_detachedHead_hasNoBranch() throws IOException {
        repos.repoWithCommit(repo);
        String first = repos.head(repo);
        repos.commit(repo, "second");
        repos.git(repo, "checkout", "-q", "--detach", first);

        GitState state = present(repos.filesOnlyInspector().inspect(repo));

        assertThat(state.commit()).isEqualTo(first);
        assertThat(state.branch()).isEmpty();
    }

    @Test
    void inspect_failingGitBinary_fallsBackToFiles() throws IOException {
        Path alwaysFails = Path.of("/bin/false");
        assumeTrue(Files.isExecutable(alwaysFails), "needs /bin/false");
        repos.repoWithCommit(repo);

        GitState state = present(new GitInspector(alwaysFails.toString(), Duration.ofSeconds(30)).inspect(repo));

        assertThat(state.commit()).isEqualTo(repos.head(repo));
        assertThat(state.branch()).contains("main");
        assertThat(state.dirty()).isEmpty();
    }

    @Test
    void inspect_gitFilePointingElsewhere_works() throws IOException {
        Path gitDir = Files.createDirectories(tmp.resolve("elsewhere")).resolve("repo.git");
        Files.createDirectories(repo);
        repos.git(repo, "init", "-q", "--separate-git-dir", gitDir.toString());
        assertThat(repo.resolve(".git")).isRegularFile().content().startsWith("gitdir:");
        Files.writeString(repo.resolve("model.txt"), "weights\n");
        repos.git(repo, "add", "model.txt");
        repos.git(repo, "commit", "-q", "-m", "first");
        String head = repos.head(repo);

        for (GitInspector inspector : List.of(repos.inspector(), repos.filesOnlyInspector())) {
            GitState state = present(inspector.inspect(repo));
            assertThat(state.commit()).isEqualTo(head);
            assertThat(state.branch()).contains("main");
            assertThat(state.root()).isEqualTo(repo.toAbsolutePath().normalize());
        }
    }

    @Test
    void inspect_relativeGitFile_resolvesAgainstItsDirectory() throws IOException {
        repos.repoWithCommit(repo);
        String head = repos.head(repo);
        Path checkout = Files.createDirectories(tmp.resolve("checkout"));
        Files.writeString(checkout.resolve(".git"), "gitdir: ../repo/.git\n");

        GitState state = present(repos.filesOnlyInspector().inspect(checkout));

        assertThat(state.commit()).isEqualTo(head);
        assertThat(state.root()).isEqualTo(checkout.toAbsolutePath().normalize());
    }

    @Test
    void inspect_linkedWorktree_readsSharedRefs() throws IOException {
        repos.repoWithCommit(repo);
        Path worktree = tmp.resolve("wt");
        repos.git(repo, "worktree", "add", "-q", "-b", "experiment", worktree.toString());
        String head = repos.commit(worktree, "in worktree");
        repos.git(repo, "remote", "add", "origin", "https://example.com/org/repo.git");

        for (GitInspector inspector : List.of(repos.inspector(), repos.filesOnlyInspector())) {
            GitState state = present(inspector.inspect(worktree));
            assertThat(state.commit()).isEqualTo(head);
            assertThat(state.branch()).contains("experiment");
            assertThat(state.remoteUrl()).contains("https://example.com/org/repo.git");
            assertThat(state.root()).isEqualTo(worktree.toAbsolutePath().normalize());
        }
        assertThat(present(repos.filesOnlyInspector().inspect(repo)).branch()).contains("main");
    }

    @Test
    void inspect_notARepository_isEmpty() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain/dir"));

        assertThat(repos.inspector().inspect(plain)).isEmpty();
        assertThat(repos.filesOnlyInspector().inspect(plain)).isEmpty();
        assertThat(repos.inspector().inspect(tmp.resolve("does/not/exist"))).isEmpty();
    }

    @Test
    void inspect_repositoryWithoutCommits_isEmpty() throws IOException {
        Files.createDirectories(repo);
        repos.git(repo, "init", "-q");

        assertThat(repos.inspector().inspect(repo)).isEmpty();
        assertThat(repos.filesOnlyInspector().inspect(repo)).isEmpty();
    }

    @Test
    void inspect_corruptRepository_isEmptyWithoutThrowing() throws IOException {
        Path broken = Files.createDirectories(tmp.resolve("broken/.git"));
        Files.writeString(broken.resolve("HEAD"), "ref: ../../../../etc/passwd\n");
        Path badGitFile = Files.createDirectories(tmp.resolve("badfile"));
        Files.writeString(badGitFile.resolve(".git"), "not a pointer\n");

        assertThat(repos.inspector().inspect(broken.getParent())).isEmpty();
        assertThat(repos.filesOnlyInspector().inspect(broken.getParent())).isEmpty();
        assertThat(repos.filesOnlyInspector().inspect(badGitFile)).isEmpty();
    }

    @Test
    void inspect_brokenNestedRepository_doesNotReportTheEnclosingOne() throws IOException {
        repos.repoWithCommit(repo);
        Path nested = Files.createDirectories(repo.resolve("vendor/lib/.git")).getParent();
        Files.writeString(nested.resolve(".git/HEAD"), "garbage\n");

        assertThat(repos.inspector().inspect(nested)).isEmpty();
        assertThat(repos.filesOnlyInspector().inspect(nested)).isEmpty();
    }

    @Test
    void inspect_unreadableRemoteConfig_stillReturnsCommit() throws IOException {
        repos.repoWithCommit(repo);
        String head = repos.head(repo);
        // Garbage where the config should be: the commit is still worth recording.
        Files.write(repo.resolve(".git/config"), new byte[] {(byte) 0xff, (byte) 0xfe, '[', 0});

        GitState state = present(repos.filesOnlyInspector().inspect(repo));

        assertThat(state.commit()).isEqualTo(head);
        assertThat(state.remoteUrl()).isEmpty();
    }

    @Test
    void constructor_rejectsBlankExecutableAndNonPositiveTimeout() {
        assertThatThrownBy(() -> new GitInspector(" ", Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GitInspector("git", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private static RunEnvironment environmentWith(GitState state) {
        return new RunEnvironment(Optional.of(state), "17.0.15", "Eclipse Adoptium", "OpenJDK", "Linux", "6.1", "amd64",
                4, "host", "user", "/work", List.of());
    }
}
