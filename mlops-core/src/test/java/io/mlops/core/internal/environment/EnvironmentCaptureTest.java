package io.mlops.core.internal.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentCaptureTest {

    @TempDir
    Path tmp;

    @Test
    void capture_describesThisJvmAndTheRepository() throws IOException {
        TestRepos repos = new TestRepos(tmp.resolve("home"));
        Path repo = repos.repoWithCommit(tmp.resolve("repo"));

        RunEnvironment env = new EnvironmentCapture(repo, repos.inspector()).capture();

        assertThat(env.git()).hasValueSatisfying(g -> {
            assertThat(g.branch()).contains("main");
            assertThat(g.dirty()).contains(false);
        });
        assertThat(env.javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(env.osName()).isEqualTo(System.getProperty("os.name"));
        assertThat(env.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors()).isPositive();
        assertThat(env.user()).isEqualTo(System.getProperty("user.name"));
        assertThat(env.host()).isNotBlank();
        assertThat(env.javaRuntime()).isNotBlank();
        assertThat(env.libraries()).isNotEmpty();
        assertThat(env.tags()).containsEntry("mlflow.source.git.commit", repos.head(repo))
                .containsEntry("mlops.env.libraries", Integer.toString(env.libraries().size()));
        assertThat(RunEnvironment.fromJson(env.toJson())).isEqualTo(env);
    }

    @Test
    void capture_gitIsInspectedOncePerInstance() throws IOException {
        TestRepos repos = new TestRepos(tmp.resolve("home"));
        Path repo = repos.repoWithCommit(tmp.resolve("repo"));
        String first = repos.head(repo);
        EnvironmentCapture capture = new EnvironmentCapture(repo, repos.inspector());
        assertThat(capture.capture().git()).hasValueSatisfying(g -> assertThat(g.commit()).isEqualTo(first));

        String second = repos.commit(repo, "second");

        assertThat(capture.capture().git()).hasValueSatisfying(g -> assertThat(g.commit()).isEqualTo(first));
        assertThat(new EnvironmentCapture(repo, repos.inspector()).capture().git())
                .hasValueSatisfying(g -> assertThat(g.commit()).isEqualTo(second));
    }

    @Test
    void capture_librariesAreScannedOncePerJvm() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        TestRepos repos = new TestRepos(tmp.resolve("home"));

        List<Library> a = new EnvironmentCapture(plain, repos.filesOnlyInspector()).capture().libraries();
        List<Library> b = new EnvironmentCapture(plain, repos.filesOnlyInspector()).capture().libraries();

        assertThat(b).isSameAs(a);
    }

    @Test
    void capture_outsideARepository_hasNoGit() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        TestRepos repos = new TestRepos(tmp.resolve("home"));

        RunEnvironment env = new EnvironmentCapture(plain, repos.inspector()).capture();

        assertThat(env.git()).isEmpty();
        assertThat(env.tags()).doesNotContainKey("mlflow.source.git.commit");
    }

    @Test
    void capture_concurrentCallers_seeTheSameEnvironment() throws Exception {
        TestRepos repos = new TestRepos(tmp.resolve("home"));
        Path repo = repos.repoWithCommit(tmp.resolve("repo"));
        EnvironmentCapture capture = new EnvironmentCapture(repo, repos.inspector());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<RunEnvironment>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(capture::capture);
            }
            List<RunEnvironment> results = new ArrayList<>();
            for (Future<RunEnvironment> f : pool.invokeAll(calls)) {
                results.add(f.get());
            }
            assertThat(results).hasSize(8).allSatisfy(env -> assertThat(env).isEqualTo(results.get(0)));
            assertThat(results.get(0).git()).isPresent();
        } finally {
            pool.shutdownNow();
        }
    }
}
