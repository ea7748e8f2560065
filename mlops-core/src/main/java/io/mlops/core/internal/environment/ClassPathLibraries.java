package io.mlops.core.internal.environment;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the libraries on a class path, so that a model version records which code trained it.
 *
 * <pre>{@code
 * List<Library> libs = ClassPathLibraries.scan(System.getProperty("java.class.path"));
 * }</pre>
 *
 * <p>A jar is identified by its Maven {@code pom.properties}, else by its manifest's
 * {@code Implementation-Title}/{@code Implementation-Version}, else by its file name
 * ({@code name-1.2.3.jar}). Jars named by a jar's manifest {@code Class-Path} are followed, since
 * {@code java -jar} deployments and test launchers keep the real class path there. Entries that
 * are missing or unreadable are skipped: the list describes
 * what could be read, and never stops a run from starting.
 */
public final class ClassPathLibraries {

    private static final Logger LOG = LoggerFactory.getLogger(ClassPathLibraries.class);

    static final String DIRECTORY_VERSION = "directory";
    static final String UNKNOWN_VERSION = "unknown";

    private static final String MAVEN_PREFIX = "META-INF/maven/";
    private static final String POM_PROPERTIES = "/pom.properties";
    /** Lazy name, then the first '-' followed by a digit starts the version: commons-lang3-3.12.0, guava-33.0.0-jre. */
    private static final Pattern VERSIONED_FILE = Pattern.compile("(.+?)-(\\d.*)\\.(?:jar|zip)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ARCHIVE = Pattern.compile("(.+)\\.(?:jar|zip)", Pattern.CASE_INSENSITIVE);

    /** Bounds the walk through Class-Path attributes, which may be long or (in a broken deployment) circular. */
    private static final int MAX_ENTRIES = 10_000;

    private static final Comparator<Library> ORDER = Comparator.comparing(Library::group)
            .thenComparing(Library::name)
            .thenComparing(Library::version)
            .thenComparing(Library::location);

    private ClassPathLibraries() {
    }

    /**
     * The libraries of a class path in {@link File#pathSeparator}-separated form, sorted by group,
     * name and version, without duplicates. A null or blank class path gives an empty list.
     */
    public static List<Library> scan(String classPath) {
        if (classPath == null || classPath.isBlank()) {
            return List.of();
        }
        Deque<Path> pending = new ArrayDeque<>();
        for (String entry : classPath.split(Pattern.quote(File.pathSeparator))) {
            if (!entry.isBlank()) {
                try {
                    pending.add(Path.of(entry.strip()));
                } catch (InvalidPathException e) {
                    LOG.debug("skipping class path entry {}: {}", entry, e.toString());
                }
            }
        }
        TreeSet<Library> libraries = new TreeSet<>(ORDER);
        Set<Path> seen = new HashSet<>();
        while (!pending.isEmpty() && seen.size() < MAX_ENTRIES) {
            Path path = pending.poll();
            try {
                Path normalized = path.toAbsolutePath().normalize();
                if (seen.add(normalized)) {
                    describe(normalized, pending::add).ifPresent(libraries::add);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("skipping class path entry {}: {}", path, e.toString());
            }
        }
        return List.copyOf(libraries);
    }

    private static Optional<Library> describe(Path path, Consumer<Path> referenced) throws IOException {
        if (Files.isDirectory(path)) {
            String name = lastTwoElements(path);
            return Optional.of(new Library("", name, DIRECTORY_VERSION, name));
        }
        if (!Files.isRegularFile(path) || path.getFileName() == null) {
            LOG.debug("skipping class path entry {}: not a readable file or directory", path);
            return Optional.empty();
        }
        String fileName = path.getFileName().toString();
        // verify=false: signatures are irrelevant to naming the jar, and checking them costs time per jar.
        try (JarFile jar = new JarFile(path.toFile(), false)) {
            Manifest manifest = jar.getManifest();
            // "java -jar app.jar" and test launchers put the real class path in the manifest instead.
            classPathAttribute(path, manifest).forEach(referenced);
            Optional<Library> fromPom = fromPomProperties(jar, fileName);
            if (fromPom.isPresent()) {
                return fromPom;
            }
            Optional<Library> fromManifest = fromManifest(manifest, fileName);
            if (fromManifest.isPresent()) {
                return fromManifest;
            }
        }
        return Optional.of(fromFileName(fileName));
    }

    /** The jar's {@code Class-Path}: space-separated URLs, relative ones resolved against the jar's directory. */
    private static List<Path> classPathAttribute(Path jar, Manifest manifest) {
        if (manifest == null) {
            return List.of();
        }
        String value = manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (value == null || value.isBlank() || jar.getParent() == null) {
            return List.of();
        }
        URI base = jar.getParent().toUri();
        List<Path> paths = new ArrayList<>();
        for (String entry : value.strip().split("\\s+")) {
            try {
                URI uri = base.resolve(entry);
                if ("file".equalsIgnoreCase(uri.getScheme())) {
                    paths.add(Path.of(uri));
                }
            } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                LOG.debug("ignoring Class-Path entry '{}' of {}: {}", entry, jar.getFileName(), e.toString());
            }
        }
        return paths;
    }

    private static Optional<Library> fromPomProperties(JarFile jar, String fileName) throws IOException {
        String base = baseName(fileName);
        Library first = null;
        Library best = null;
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (entry.isDirectory() || !name.startsWith(MAVEN_PREFIX) || !name.endsWith(POM_PROPERTIES)
                    || name.split("/", -1).length != 5) {
                continue;
            }
            Properties properties = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.debug("unreadable {} in {}: {}", name, fileName, e.toString());
                continue;
            }
            String group = text(properties.getProperty("groupId"));
            String artifact = text(properties.getProperty("artifactId"));
            String version = text(properties.getProperty("version"));
            if (group.isEmpty() || artifact.isEmpty() || version.isEmpty()) {
                continue;
            }
            Library library = new Library(group, artifact, version, fileName);
            if (first == null) {
                first = library;
            }
            // A shaded jar holds the pom.properties of everything it bundled; its own is the one its
            // file name starts with. The longest such artifact id wins (foo-core over foo for foo-core-1.0.jar).
            boolean named = base.equals(artifact) || base.startsWith(artifact + "-");
            if (named && (best == null || artifact.length() > best.name().length())) {
                best = library;
            }
        }
        return Optional.ofNullable(best != null ? best : first);
    }

    private static Optional<Library> fromManifest(Manifest manifest, String fileName) {
        if (manifest == null) {
            return Optional.empty();
        }
        Attributes main = manifest.getMainAttributes();
        String title = text(main.getValue(Attributes.Name.IMPLEMENTATION_TITLE));
        String version = text(main.getValue(Attributes.Name.IMPLEMENTATION_VERSION));
        if (title.isEmpty() || version.isEmpty()) {
            return Optional.empty();
        }
        // By name: the constant is deprecated, yet jar plugins still write the attribute.
        String vendorId = text(main.getValue("Implementation-Vendor-Id"));
        return Optional.of(new Library(vendorId, title, version, fileName));
    }

    private static Library fromFileName(String fileName) {
        Matcher versioned = VERSIONED_FILE.matcher(fileName);
        if (versioned.matches()) {
            return new Library("", versioned.group(1), versioned.group(2), fileName);
        }
        return new Library("", baseName(fileName), UNKNOWN_VERSION, fileName);
    }

    private static String baseName(String fileName) {
        Matcher archive = ARCHIVE.matcher(fileName);
        return archive.matches() ? archive.group(1) : fileName;
    }

    private static String lastTwoElements(Path dir) {
        int count = dir.getNameCount();
        if (count == 0) {
            return dir.toString();
        }
        if (count == 1) {
            return dir.getName(0).toString();
        }
        return dir.getName(count - 2) + "/" + dir.getName(count - 1);
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }
}
