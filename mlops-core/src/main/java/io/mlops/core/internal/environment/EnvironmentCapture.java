package io.mlops.core.internal.environment;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the {@link RunEnvironment} of this JVM.
 *
 * <pre>{@code
 * EnvironmentCapture capture = new EnvironmentCapture();          // git from user.dir
 * RunEnvironment env = capture.capture();
 * new EnvironmentCapture(Path.of("/src/pd-model"), new GitInspector("/usr/bin/git", Duration.ofSeconds(2)));
 * }</pre>
 *
 * <p>The expensive parts are done once: the class path scan and the host name once per JVM (neither
 * changes while it runs), the Git inspection once per instance (keep one instance for many runs of
 * the same checkout). Thread-safe.
 */
public final class EnvironmentCapture {

    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentCapture.class);

    /** How long the host name lookup may take before the fallback is used; a bad resolver can hang for much longer. */
    private static final long HOST_LOOKUP_MILLIS = 2_000;

    private final Path start;
    private final GitInspector inspector;
    private final Object gitLock = new Object();
    private Optional<GitState> git; // guarded by gitLock; null until first inspected

    /** Inspects Git from the working directory ({@code user.dir}) with a default {@link GitInspector}. */
    public EnvironmentCapture() {
        this(Path.of(System.getProperty("user.dir", ".")), new GitInspector());
    }

    /**
     * @param start     directory whose enclosing Git working tree is recorded
     * @param inspector how to inspect it
     */
    public EnvironmentCapture(Path start, GitInspector inspector) {
        this.start = Objects.requireNonNull(start, "start");
        this.inspector = Objects.requireNonNull(inspector, "inspector");
    }

    /** The environment now; Git state, libraries and host as first seen (see the class comment). */
    public RunEnvironment capture() {
        Runtime runtime = Runtime.getRuntime();
        return new RunEnvironment(
                git(),
                property("java.version"),
                property("java.vendor"),
                javaRuntime(),
                property("os.name"),
                property("os.version"),
                property("os.arch"),
                runtime.availableProcessors(),
                Host.NAME,
                property("user.name"),
                property("user.dir"),
                ClassPath.LIBRARIES);
    }

    private Optional<GitState> git() {
        synchronized (gitLock) {
            if (git == null) {
                git = inspector.inspect(start);
            }
            return git;
        }
    }

    private static String javaRuntime() {
        String runtime = property("java.runtime.name");
        String vm = property("java.vm.name");
        if (runtime.isEmpty() || vm.isEmpty() || runtime.equals(vm)) {
            return runtime.isEmpty() ? vm : runtime;
        }
        return runtime + " / " + vm;
    }

    private static String property(String key) {
        try {
            String value = System.getProperty(key);
            return value == null ? "" : value;
        } catch (SecurityException e) {
            return "";
        }
    }

    /** Initialised by the JVM on first use, exactly once and thread-safely. */
    private static final class ClassPath {
        static final List<Library> LIBRARIES = ClassPathLibraries.scan(property("java.class.path"));
    }

    private static final class Host {
        static final String NAME = resolve();

        private static String resolve() {
            // A daemon thread, so a resolver that never answers cannot keep the JVM alive.
            CompletableFuture<String> lookup = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    lookup.complete(InetAddress.getLocalHost().getHostName());
                } catch (Exception e) {
                    lookup.completeExceptionally(e);
                }
            }, "mlops-host-name");
            thread.setDaemon(true);
            thread.start();
            try {
                String name = lookup.get(HOST_LOOKUP_MILLIS, TimeUnit.MILLISECONDS);
                if (name != null && !name.isBlank()) {
                    return name;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("local host name not resolved: {}", e.toString());
            }
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "unknown" : fromEnvironment.strip();
        }
    }
}
