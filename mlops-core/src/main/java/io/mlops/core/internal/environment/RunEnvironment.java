package io.mlops.core.internal.environment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.IntegrityException;
import io.mlops.core.internal.StoredFormats;
import io.mlops.core.internal.Validation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * What a training run executed in: source revision, JVM, operating system, machine and class path.
 * Recorded with the run so that a model version can say what produced it.
 *
 * <pre>{@code
 * RunEnvironment env = new EnvironmentCapture().capture();
 * env.tags().forEach(run::setTag);   // mlflow.source.git.commit, mlops.env.java, ...
 * byte[] json = env.toJson().getBytes(StandardCharsets.UTF_8);
 * run.logArtifact(new ByteArrayInputStream(json), "environment.json"); // library list included
 * RunEnvironment again = RunEnvironment.fromJson(new String(json, StandardCharsets.UTF_8));
 * }</pre>
 *
 * @param git              the working tree the run started in; empty outside a Git repository
 * @param javaVersion      {@code java.version}, e.g. {@code 17.0.15}
 * @param javaVendor       {@code java.vendor}, e.g. {@code Eclipse Adoptium}
 * @param javaRuntime      runtime and VM names, e.g. {@code OpenJDK Runtime Environment / OpenJDK 64-Bit Server VM}
 * @param osName           {@code os.name}
 * @param osVersion        {@code os.version}
 * @param osArch           {@code os.arch}
 * @param cpus             processors available to the JVM
 * @param host             host name, or {@code unknown}
 * @param user             {@code user.name}
 * @param workingDirectory {@code user.dir}
 * @param libraries        the class path, sorted
 */
public record RunEnvironment(Optional<GitState> git, String javaVersion, String javaVendor, String javaRuntime,
        String osName, String osVersion, String osArch, int cpus, String host, String user,
        String workingDirectory, List<Library> libraries) {

    /** Version written into the JSON form by this release. */
    public static final int FORMAT_VERSION = 1;

    public static final String TAG_GIT_COMMIT = "mlflow.source.git.commit";
    public static final String TAG_GIT_BRANCH = "mlflow.source.git.branch";
    public static final String TAG_GIT_REPO_URL = "mlflow.source.git.repoURL";
    public static final String TAG_GIT_DIRTY = "mlops.git.dirty";
    public static final String TAG_JAVA = "mlops.env.java";
    public static final String TAG_OS = "mlops.env.os";
    public static final String TAG_CPUS = "mlops.env.cpus";
    public static final String TAG_HOST = "mlops.env.host";
    public static final String TAG_USER = "mlops.env.user";
    public static final String TAG_LIBRARIES = "mlops.env.libraries";

    public RunEnvironment {
        Objects.requireNonNull(git, "git");
        javaVersion = orEmpty(javaVersion);
        javaVendor = orEmpty(javaVendor);
        javaRuntime = orEmpty(javaRuntime);
        osName = orEmpty(osName);
        osVersion = orEmpty(osVersion);
        osArch = orEmpty(osArch);
        host = orEmpty(host);
        user = orEmpty(user);
        workingDirectory = orEmpty(workingDirectory);
        libraries = List.copyOf(Objects.requireNonNull(libraries, "libraries"));
    }

    /**
     * The environment as run tags, using MLflow's system tag names where MLflow has one. Git tags
     * are absent outside a repository, and the branch and URL when unknown. Every value fits the
     * tag length limit.
     */
    public Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        git.ifPresent(g -> {
            tags.put(TAG_GIT_COMMIT, g.commit());
            g.branch().ifPresent(b -> tags.put(TAG_GIT_BRANCH, b));
            g.remoteUrl().ifPresent(u -> tags.put(TAG_GIT_REPO_URL, u));
            tags.put(TAG_GIT_DIRTY, g.dirty().map(String::valueOf).orElse("unknown"));
        });
        tags.put(TAG_JAVA, javaVendor.isEmpty() ? javaVersion : javaVersion + " (" + javaVendor + ")");
        StringJoiner os = new StringJoiner(" ");
        for (String part : List.of(osName, osVersion, osArch)) {
            if (!part.isBlank()) {
                os.add(part.strip());
            }
        }
        tags.put(TAG_OS, os.toString());
        tags.put(TAG_CPUS, Integer.toString(cpus));
        tags.put(TAG_HOST, host);
        tags.put(TAG_USER, user);
        tags.put(TAG_LIBRARIES, Integer.toString(libraries.size()));
        tags.replaceAll((k, v) -> fitTag(v));
        return Collections.unmodifiableMap(tags);
    }

    /** The full record as JSON, keys in a fixed order so that equal environments give equal text. */
    public String toJson() {
        ObjectNode root = StoredFormats.mapper().createObjectNode();
        root.put("format", FORMAT_VERSION);
        git.ifPresent(g -> {
            ObjectNode n = root.putObject("git");
            n.put("commit", g.commit());
            g.branch().ifPresent(b -> n.put("branch", b));
            g.dirty().ifPresent(d -> n.put("dirty", d));
            g.remoteUrl().ifPresent(u -> n.put("remoteUrl", u));
            n.put("root", g.root().toString());
        });
        root.put("javaVersion", javaVersion);
        root.put("javaVendor", javaVendor);
        root.put("javaRuntime", javaRuntime);
        root.put("osName", osName);
        root.put("osVersion", osVersion);
        root.put("osArch", osArch);
        root.put("cpus", cpus);
        root.put("host", host);
        root.put("user", user);
        root.put("workingDirectory", workingDirectory);
        ArrayNode libs = root.putArray("libraries");
        for (Library l : libraries) {
            libs.addObject()
                    .put("group", l.group())
                    .put("name", l.name())
                    .put("version", l.version())
                    .put("location", l.location());
        }
        try {
            return StoredFormats.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize run environment", e);
        }
    }

    /**
     * Reads the form written by {@link #toJson()}.
     *
     * @throws IntegrityException if the text is not JSON or has a format this release cannot read
     */
    public static RunEnvironment fromJson(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = StoredFormats.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IntegrityException("stored run environment is not valid JSON: " + abbreviate(json), e);
        }
        if (root == null || !root.isObject()) {
            throw new IntegrityException("stored run environment is not a JSON object: " + abbreviate(json));
        }
        int format = root.path("format").asInt(-1);
        if (format < 1 || format > FORMAT_VERSION) {
            throw new IntegrityException("stored run environment has format " + format
                    + "; this release reads formats 1.." + FORMAT_VERSION);
        }
        Optional<GitState> git = Optional.empty();
        JsonNode g = root.path("git");
        if (g.isObject()) {
            try {
                git = Optional.of(new GitState(
                        g.path("commit").asText(),
                        optionalText(g, "branch"),
                        g.path("dirty").isBoolean() ? Optional.of(g.path("dirty").booleanValue()) : Optional.empty(),
                        optionalText(g, "remoteUrl"),
                        Path.of(g.path("root").asText())));
            } catch (RuntimeException e) {
                throw new IntegrityException("stored run environment has an invalid git section: " + e.getMessage(), e);
            }
        }
        List<Library> libraries = new ArrayList<>();
        for (JsonNode l : root.path("libraries")) {
            libraries.add(new Library(l.path("group").asText(""), l.path("name").asText(""),
                    l.path("version").asText(""), l.path("location").asText("")));
        }
        return new RunEnvironment(git,
                root.path("javaVersion").asText(""),
                root.path("javaVendor").asText(""),
                root.path("javaRuntime").asText(""),
                root.path("osName").asText(""),
                root.path("osVersion").asText(""),
                root.path("osArch").asText(""),
                root.path("cpus").asInt(0),
                root.path("host").asText(""),
                root.path("user").asText(""),
                root.path("workingDirectory").asText(""),
                libraries);
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /** Cuts at the tag limit, never between the two halves of a surrogate pair. */
    static String fitTag(String value) {
        return Validation.truncate(value, Validation.MAX_TAG_VALUE, "...");
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
