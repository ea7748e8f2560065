package io.mlops.core.internal.environment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Builds real repositories with the git binary, isolated from the machine's and the user's git configuration. */
final class TestRepos {

    private final Path home;

    TestRepos(Path home) throws IOException {
        this.home = Files.createDirectories(home);
    }

    /** The environment that keeps the machine's configuration out, for the tests' git and the inspector's. */
    Map<String, String> isolatedEnvironment() {
        return Map.of(
                "HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                "GIT_CONFIG_NOSYSTEM", "1");
    }

    GitInspector inspector() {
        return new GitInspector("git", Duration.ofSeconds(30), isolatedEnvironment());
    }

    /** An inspector whose git binary does not exist, so that it must read the files. */
    GitInspector filesOnlyInspector() {
        return new GitInspector("mlops-no-such-git-binary", Duration.ofSeconds(30), isolatedEnvironment());
    }

    /** A new repository on branch main with one commit of {@code model.txt}. */
    Path repoWithCommit(Path dir) throws IOException {
        Files.createDirectories(dir);
        git(dir, "init", "-q");
        Files.writeString(dir.resolve("model.txt"), "weights v1\n");
        git(dir, "add", "model.txt");
        git(dir, "commit", "-q", "-m", "first");
        return dir;
    }

    String commit(Path dir, String message) throws IOException {
        Files.writeString(dir.resolve("model.txt"), message + "\n");
        git(dir, "commit", "-q", "-am", message);
        return head(dir);
    }

    String head(Path dir) throws IOException {
        return git(dir, "rev-parse", "HEAD");
    }

    /** Runs git and returns its trimmed output; fails the test when git fails. */
    String git(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git",
                "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR").forEach(env::remove);
        env.putAll(isolatedEnvironment());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("git " + args[0] + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " failed with " + process.exitValue() + ": " + out);
        }
        return out.strip();
    }
}
