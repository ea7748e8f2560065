package io.mlops.core.internal.environment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Git working tree a directory belongs to and reads its commit, branch, dirtiness and
 * origin URL.
 *
 * <pre>{@code
 * Optional<GitState> git = new GitInspector().inspect(Path.of(System.getProperty("user.dir")));
 * git.ifPresent(g -> System.out.println(g.commit() + " on " + g.branch().orElse("(detached)")));
 * }</pre>
 *
 * <p>The {@code git} binary is asked first, because it understands every repository layout.
 * Where it is missing, times out or fails (an SDK embedded in a locked-down server often has no
 * Git, or the repository belongs to another user), the commit, branch and remote are read from the
 * files under {@code .git}, and dirtiness is reported as unknown: telling it from files would mean
 * reimplementing the index. An odd repository never raises; what could be read is returned, and
 * nothing at all when not even the commit is known. Instances are immutable and thread-safe.
 */
public final class GitInspector {

    /** How long one {@code git} command may run before it is killed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The executable looked up on the {@code PATH}. */
    public static final String DEFAULT_EXECUTABLE = "git";

    private static final Logger LOG = LoggerFactory.getLogger(GitInspector.class);

    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final int MAX_TEXT_FILE = 1024 * 1024;
    private static final int MAX_SYMREF_DEPTH = 5;
    private static final String HEADS = "refs/heads/";
    /** Variables that would point git at another repository than the one found by walking up. */
    private static final List<String> REDIRECTING_VARIABLES = List.of(
            "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE");

    private final String executable;
    private final Duration timeout;
    private final Map<String, String> environment;

    /** Uses {@code git} from the {@code PATH} and {@link #DEFAULT_TIMEOUT}. */
    public GitInspector() {
        this(DEFAULT_EXECUTABLE, DEFAULT_TIMEOUT);
    }

    /**
     * @param executable name or path of the git binary; one that does not exist makes every
     *                   inspection read the files instead
     * @param timeout    limit for each git command; the process is destroyed when it is exceeded
     */
    public GitInspector(String executable, Duration timeout) {
        this(executable, timeout, Map.of());
    }

    /** For tests: {@code environment} is added to the environment of every git process. */
    GitInspector(String executable, Duration timeout, Map<String, String> environment) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (executable.isBlank()) {
            throw new IllegalArgumentException("git executable must not be blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.environment = Map.copyOf(environment);
    }

    /**
     * The state of the working tree containing {@code start} (a directory, or a file inside one);
     * empty when {@code start} is not inside a Git working tree or its commit cannot be determined
     * (for example a repository without commits).
     */
    public Optional<GitState> inspect(Path start) {
        Objects.requireNonNull(start, "start");
        try {
            Optional<Layout> layout = locate(start.toAbsolutePath().normalize());
            if (layout.isEmpty()) {
                return Optional.empty();
            }
            Layout repo = layout.get();
            Optional<GitState> fromBinary = withBinary(repo);
            return fromBinary.isPresent() ? fromBinary : fromFiles(repo);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot inspect git repository around {}: {}", start, e.toString());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- discovery

    /** Where a working tree keeps its files: {@code gitDir} holds HEAD; {@code commonDir} refs and config. */
    private record Layout(Path root, Path gitDir, Path commonDir) {
    }

    private Optional<Layout> locate(Path start) throws IOException {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path dotGit = dir.resolve(".git");
            if (Files.isDirectory(dotGit)) {
                return Optional.of(new Layout(dir, dotGit, commonDir(dotGit)));
            }
            if (Files.isRegularFile(dotGit)) {
                // Worktrees and submodules: a file "gitdir: <path>", the path relative to the file.
                String content = readSmall(dotGit).strip();
                if (!content.startsWith("gitdir:")) {
                    // Do not continue upwards: an enclosing repository would describe the wrong code.
                    LOG.debug("{} is a file without a 'gitdir:' line; not treating it as a repository", dotGit);
                    return Optional.empty();
                }
                Path gitDir = dir.resolve(firstLine(content.substring("gitdir:".length())).strip()).normalize();
                if (!Files.isDirectory(gitDir)) {
                    LOG.debug("{} points at {}, which is not a directory", dotGit, gitDir);
                    return Optional.empty();
                }
                return Optional.of(new Layout(dir, gitDir, commonDir(gitDir)));
            }
        }
        return Optional.empty();
    }

    /** A linked worktree's git dir names, in "commondir", the main git dir that holds the shared refs. */
    private static Path commonDir(Path gitDir) {
        Path pointer = gitDir.resolve("commondir");
        if (!Files.isRegularFile(pointer)) {
            return gitDir;
        }
        try {
            String target = firstLine(readSmall(pointer)).strip();
            if (!target.isEmpty()) {
                Path common = gitDir.resolve(target).normalize();
                if (Files.isDirectory(common)) {
                    return common;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("unreadable {}: {}", pointer, e.toString());
        }
        return gitDir;
    }

    // ---------------------------------------------------------------- git binary

    private Optional<GitState> withBinary(Layout repo) {
        Result head = run(repo.root(), "rev-parse", "--verify", "-q", "HEAD");
        if (head == null || head.exit() != 0 || !OBJECT_ID.matcher(head.out().strip()).matches()) {
            return Optional.empty();
        }
        String commit = head.out().strip();

        Optional<String> branch;
        Result symbolic = run(repo.root(), "symbolic-ref", "--short", "-q", "HEAD");
        if (symbolic == null) {
            branch = fromFiles(repo).flatMap(GitState::branch);
        } else {
            // Exit 1 with no output means a detached HEAD.
            branch = symbolic.exit() == 0 ? nonBlank(symbolic.out()) : Optional.empty();
        }

        // core.fsmonitor would make status start a configured program or daemon; neither is wanted
        // from inside a training job, and a daemon could hold our output pipe open.
        Result status = run(repo.root(), "-c", "core.fsmonitor=false", "status", "--porcelain", "--untracked-files=no");
        Optional<Boolean> dirty = status != null && status.exit() == 0
                ? Optional.of(!status.out().isBlank())
                : Optional.empty();

        Optional<String> remote;
        Result config = run(repo.root(), "config", "--get", "remote.origin.url");
        if (config == null) {
            remote = readRemote(repo.commonDir());
        } else {
            // Exit 1 means the key is not set.
            remote = config.exit() == 0 ? nonBlank(config.out()) : Optional.empty();
        }
        return Optional.of(new GitState(commit, branch, dirty, remote, repo.root()));
    }

    private record Result(int exit, String out) {
    }

    /** Runs git in {@code dir}; null when it could not be started, timed out or was interrupted. */
    private Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(executable);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        REDIRECTING_VARIABLES.forEach(env::remove);
        // Never wait for a credential prompt, and never take index.lock away from the user's own git.
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_OPTIONAL_LOCKS", "0");
        if (dir.getParent() != null) {
            // git must not walk past the .git we found: if it rejects that one, an enclosing repository
            // would answer for code that is not its own.
            env.put("GIT_CEILING_DIRECTORIES", dir.getParent().toString());
        }
        env.putAll(environment);

        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot start '{}' in {}: {}", executable, dir, e.toString());
            return null;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("cannot close stdin of git: {}", e.toString());
        }
        // Read on another thread so that waitFor can enforce the timeout even if git writes a lot.
        OutputCollector collector = new OutputCollector(process.getInputStream());
        Thread reader = new Thread(collector, "mlops-git-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.debug("'{} {}' in {} took longer than {}; destroying it", executable, String.join(" ", args), dir, timeout);
                process.destroyForcibly();
                return null;
            }
            long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            reader.join(remainingMillis);
            if (reader.isAlive()) {
                LOG.debug("output of '{} {}' still open after the process ended", executable, String.join(" ", args));
                return null;
            }
            return new Result(process.exitValue(), collector.text());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return null;
        }
    }

    /** Keeps the first {@link #MAX_OUTPUT} bytes and drains the rest, so git never blocks on a full pipe. */
    private static final class OutputCollector implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        OutputCollector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (InputStream stream = in) {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    int room = MAX_OUTPUT - kept.size();
                    if (room > 0) {
                        kept.write(buffer, 0, Math.min(n, room));
                    }
                }
            } catch (IOException e) {
                // The process was destroyed or closed its output; what was read is all there is.
            }
        }

        /** Only called after the reading thread has been joined. */
        String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- files

    private Optional<GitState> fromFiles(Layout repo) {
        String commit = null;
        Optional<String> branch = Optional.empty();
        try {
            String head = firstLine(readSmall(repo.gitDir().resolve("HEAD"))).strip();
            if (head.startsWith("ref:")) {
                String ref = head.substring("ref:".length()).strip();
                if (ref.startsWith(HEADS) && ref.length() > HEADS.length()) {
                    branch = Optional.of(ref.substring(HEADS.length()));
                }
                commit = resolveRef(repo, ref, 0);
            } else if (OBJECT_ID.matcher(head).matches()) {
                commit = head;
            } else {
                LOG.debug("unrecognised HEAD in {}: '{}'", repo.gitDir(), head);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read HEAD of {}: {}", repo.gitDir(), e.toString());
        }
        if (commit == null) {
            LOG.debug("commit of {} unknown (no commits yet, or refs unreadable)", repo.root());
            return Optional.empty();
        }
        return Optional.of(new GitState(commit, branch, Optional.empty(), readRemote(repo.commonDir()), repo.root()));
    }

    /** The object id a ref names: its loose file first (newer), then packed-refs; null when unknown. */
    private String resolveRef(Layout repo, String ref, int depth) throws IOException {
        if (depth > MAX_SYMREF_DEPTH || !isSafeRefName(ref)) {
            LOG.debug("not following ref '{}' in {}", ref, repo.gitDir());
            return null;
        }
        for (Path dir : repo.gitDir().equals(repo.commonDir())
                ? List.of(repo.gitDir())
                : List.of(repo.gitDir(), repo.commonDir())) {
            Path loose = dir.resolve(ref);
            if (Files.isRegularFile(loose)) {
                String value = firstLine(readSmall(loose)).strip();
                if (value.startsWith("ref:")) {
                    return resolveRef(repo, value.substring("ref:".length()).strip(), depth + 1);
                }
                if (OBJECT_ID.matcher(value).matches()) {
                    return value;
                }
                LOG.debug("ref file {} holds no object id", loose);
            }
        }
        Path packed = repo.commonDir().resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                // '#' starts the header, '^' the peeled target of the annotated tag above it.
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("^")) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (space > 0 && line.substring(space + 1).strip().equals(ref)) {
                    String id = line.substring(0, space);
                    return OBJECT_ID.matcher(id).matches() ? id : null;
                }
            }
        }
        return null;
    }

    /** Refuses names that would read a file outside the git directory. */
    private static boolean isSafeRefName(String ref) {
        if (ref.isEmpty() || ref.startsWith("/") || ref.contains("\\") || ref.contains(":") || ref.indexOf('\0') >= 0) {
            return false;
        }
        for (String part : ref.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** The url of {@code [remote "origin"]}; like {@code git config --get}, the last one wins. */
    private static Optional<String> readRemote(Path commonDir) {
        Path config = commonDir.resolve("config");
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        try {
            String url = null;
            boolean inOrigin = false;
            for (String raw : readSmall(config).split("\\R")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[")) {
                    inOrigin = isOriginSection(line);
                    // A value may follow the header on the same line ("[remote "origin"] url = ..."), rarely.
                    int close = line.indexOf(']');
                    line = close < 0 ? "" : line.substring(close + 1).strip();
                    if (line.isEmpty()) {
                        continue;
                    }
                }
                if (!inOrigin) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                if (line.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("url")) {
                    url = configValue(line.substring(eq + 1));
                }
            }
            return url == null ? Optional.empty() : nonBlank(url);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read remote from {}: {}", config, e.toString());
            return Optional.empty();
        }
    }

    private static boolean isOriginSection(String header) {
        int close = header.indexOf(']');
        if (close < 0) {
            return false;
        }
        String inside = header.substring(1, close).strip();
        int quote = inside.indexOf('"');
        if (quote < 0) {
            // The deprecated form [remote.origin]
            return inside.equalsIgnoreCase("remote.origin");
        }
        String section = inside.substring(0, quote).strip();
        String subsection = inside.substring(quote + 1, inside.lastIndexOf('"') > quote ? inside.lastIndexOf('"') : inside.length());
        return section.equalsIgnoreCase("remote") && subsection.equals("origin");
    }

    /** A config value without surrounding quotes, trailing comment or escapes. */
    private static String configValue(String raw) {
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        String s = raw.strip();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                value.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    default -> next;
                });
            } else if (!quoted && (c == '#' || c == ';')) {
                break;
            } else {
                value.append(c);
            }
        }
        return value.toString().strip();
    }

    // ---------------------------------------------------------------- helpers

    /** Reads a small text file; refuses large ones, which cannot be a ref, HEAD or config we understand. */
    private static String readSmall(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_TEXT_FILE) {
            throw new IOException(file + " is " + size + " bytes; too large to be a git metadata file");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String firstLine(String text) {
        int end = 0;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return text.substring(0, end);
    }

    private static Optional<String> nonBlank(String text) {
        String s = text.strip();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
