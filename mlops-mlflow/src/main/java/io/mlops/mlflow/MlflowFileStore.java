package io.mlops.mlflow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mlops.api.InvalidArgumentException;
import io.mlops.core.internal.ArtifactKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what MLflow's local file store wrote under an {@code mlruns/} directory: experiments, their
 * runs with params, tags and metrics, and the models those runs logged. Nothing is written, and
 * nothing is cached: every call reads the files again.
 *
 * <p>The layout read is MLflow's:
 * <pre>
 * mlruns/
 *   0/meta.yaml                       experiment
 *   0/tags/&lt;key&gt;                      experiment tag, the file content is the value
 *   0/&lt;run id&gt;/meta.yaml              run
 *   0/&lt;run id&gt;/params/&lt;key&gt;         param, nested folders make keys like a/b
 *   0/&lt;run id&gt;/tags/&lt;key&gt;           run tag
 *   0/&lt;run id&gt;/metrics/&lt;key&gt;        one "&lt;timestamp&gt; &lt;value&gt; [&lt;step&gt;]" line per value
 *   0/&lt;run id&gt;/artifacts/.../MLmodel  logged model
 *   .trash/                           deleted experiments, skipped
 *   models/                           model registry, skipped
 * </pre>
 *
 * <pre>{@code
 * MlflowFileStore store = MlflowFileStore.open(Path.of("/home/me/project/mlruns"));
 * for (MlflowExperiment experiment : store.experiments()) {
 *     for (MlflowRun run : store.runs(experiment)) {
 *         List<MlflowModel> models = store.models(run);
 *     }
 * }
 * }</pre>
 *
 * <p>A file that does not follow the layout makes the call throw {@link InvalidArgumentException}
 * naming the file (and the line, for metrics), rather than silently importing part of a run; a
 * file that cannot be read throws {@link UncheckedIOException}. Instances are immutable and safe
 * to share between threads.
 */
public final class MlflowFileStore {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowFileStore.class);

    /** Thread-safe once built, and building one per call would be wasteful. */
    private static final YAMLMapper YAML = new YAMLMapper();

    private static final String META_FILE = "meta.yaml";
    private static final String MODEL_FILE = "MLmodel";
    private static final String EXPERIMENT_META = "experiment meta file";
    private static final String RUN_META = "run meta file";
    private static final String MODEL_META = "MLmodel file";

    /** Folders next to experiments that are not experiments: deleted ones, and the model registry. */
    private static final Set<String> ROOT_NON_EXPERIMENTS = Set.of(".trash", "models");

    /** Folders next to runs that are not runs; newer MLflow versions keep datasets, traces and logged models there. */
    private static final Set<String> EXPERIMENT_NON_RUNS = Set.of("tags", "datasets", "traces", "models");

    private static final Set<String> LIFECYCLE_STAGES = Set.of("active", "deleted");

    /** What Python's float() accepts for finite numbers, without the extras Java's parser allows (hex, 'd' and 'f' suffixes). */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");
    private static final String METRIC_LINE_FORMAT = "'<timestamp> <value> [<step>]'";
    private static final int MAX_QUOTED_LENGTH = 200;

    private final Path root;

    private MlflowFileStore(Path root) {
        this.root = root;
    }

    /**
     * A reader of the file store under {@code mlrunsRoot}, the directory MLflow calls {@code mlruns}.
     *
     * @throws InvalidArgumentException if it does not exist or is not a directory
     */
    public static MlflowFileStore open(Path mlrunsRoot) {
        Objects.requireNonNull(mlrunsRoot, "mlrunsRoot");
        Path root = mlrunsRoot.toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            throw new InvalidArgumentException("MLflow store root " + root
                    + " does not exist; expected the mlruns directory written by MLflow's file store");
        }
        if (!Files.isDirectory(root)) {
            throw new InvalidArgumentException("MLflow store root " + root
                    + " is not a directory; expected the mlruns directory written by MLflow's file store");
        }
        return new MlflowFileStore(root);
    }

    /** The absolute, normalised store directory. */
    public Path root() {
        return root;
    }

    /**
     * Every experiment directly under the root, deleted ones included when MLflow left them in
     * place, ordered by id (numerically when ids are numbers). Experiments in {@code .trash} are not
     * listed.
     */
    public List<MlflowExperiment> experiments() {
        List<MlflowExperiment> experiments = new ArrayList<>();
        for (Path dir : subdirectories(root)) {
            String name = dir.getFileName().toString();
            if (ROOT_NON_EXPERIMENTS.contains(name)) {
                continue;
            }
            Path meta = dir.resolve(META_FILE);
            if (!Files.isRegularFile(meta)) {
                LOG.warn("Skipping {}: it has no {} so it is not an MLflow experiment", dir, META_FILE);
                continue;
            }
            experiments.add(readExperiment(dir, meta));
        }
        experiments.sort(Comparator.comparing(MlflowExperiment::id, MlflowFileStore::compareIds));
        return List.copyOf(experiments);
    }

    /**
     * Every run of the experiment, deleted ones included, ordered by start time and then id so that
     * an import replays them in the order they happened.
     */
    public List<MlflowRun> runs(MlflowExperiment experiment) {
        Objects.requireNonNull(experiment, "experiment");
        List<MlflowRun> runs = new ArrayList<>();
        for (Path dir : subdirectories(experiment.directory())) {
            if (EXPERIMENT_NON_RUNS.contains(dir.getFileName().toString())) {
                continue;
            }
            Path meta = dir.resolve(META_FILE);
            if (!Files.isRegularFile(meta)) {
                LOG.warn("Skipping {}: it has no {} so it is not an MLflow run", dir, META_FILE);
                continue;
            }
            runs.add(readRun(experiment, dir, meta));
        }
        runs.sort(Comparator.comparingLong(MlflowRun::startTime).thenComparing(MlflowRun::id));
        return List.copyOf(runs);
    }

    /**
     * Every model the run logged, that is every {@code MLmodel} file under its local artifacts
     * directory, ordered by path. A run whose artifacts are not on the local file system (for example
     * in S3) has none here.
     */
    public List<MlflowModel> models(MlflowRun run) {
        Objects.requireNonNull(run, "run");
        if (run.artifactsDirectory().isEmpty()) {
            return List.of();
        }
        Path artifacts = run.artifactsDirectory().get();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(artifacts)) {
            files = walk.filter(MlflowFileStore::isModelFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw unreadable("artifacts directory", artifacts, e);
        }
        List<MlflowModel> models = new ArrayList<>(files.size());
        for (Path file : files) {
            models.add(readModel(file));
        }
        return List.copyOf(models);
    }

    private MlflowExperiment readExperiment(Path dir, Path meta) {
        JsonNode yaml = readYaml(meta, EXPERIMENT_META);
        String id = requiredText(yaml, "experiment_id", meta, EXPERIMENT_META);
        String dirName = dir.getFileName().toString();
        if (!id.equals(dirName)) {
            throw new InvalidArgumentException(EXPERIMENT_META + " " + meta + ": experiment_id '" + id
                    + "' does not match its directory name '" + dirName + "'; MLflow names each experiment directory by its id");
        }
        String name = requiredText(yaml, "name", meta, EXPERIMENT_META);
        String stage = lifecycleStage(yaml, meta, EXPERIMENT_META);
        String artifactLocation = optionalText(yaml, "artifact_location", meta, EXPERIMENT_META).orElse("");
        OptionalLong creationTime = optionalLong(yaml, "creation_time", meta, EXPERIMENT_META);
        Map<String, String> tags = readValueFiles(dir.resolve("tags"), "experiment tag file");
        return new MlflowExperiment(id, name, stage, artifactLocation, creationTime, tags, dir);
    }

    private MlflowRun readRun(MlflowExperiment experiment, Path dir, Path meta) {
        JsonNode yaml = readYaml(meta, RUN_META);
        // MLflow 1.x wrote the id as run_uuid; later versions write run_id (and keep run_uuid alongside).
        String id = optionalText(yaml, "run_id", meta, RUN_META).filter(s -> !s.isEmpty())
                .or(() -> optionalText(yaml, "run_uuid", meta, RUN_META).filter(s -> !s.isEmpty()))
                .orElseThrow(() -> new InvalidArgumentException(RUN_META + " " + meta
                        + ": neither run_id nor run_uuid is set; expected a line like 'run_id: " + dir.getFileName() + "'"));
        String dirName = dir.getFileName().toString();
        if (!id.equals(dirName)) {
            throw new InvalidArgumentException(RUN_META + " " + meta + ": run id '" + id
                    + "' does not match its directory name '" + dirName + "'; MLflow names each run directory by its id");
        }
        String experimentId = requiredText(yaml, "experiment_id", meta, RUN_META);
        if (!experimentId.equals(experiment.id())) {
            throw new InvalidArgumentException(RUN_META + " " + meta + ": experiment_id '" + experimentId
                    + "' does not match the experiment '" + experiment.id() + "' whose directory holds the run");
        }
        MlflowRunStatus status = status(yaml, meta);
        long startTime = optionalLong(yaml, "start_time", meta, RUN_META).orElseThrow(
                () -> new InvalidArgumentException(RUN_META + " " + meta
                        + ": start_time is missing; expected milliseconds since the epoch, like 'start_time: 1700000000000'"));
        OptionalLong endTime = optionalLong(yaml, "end_time", meta, RUN_META);
        String userId = optionalText(yaml, "user_id", meta, RUN_META).orElse("");
        String stage = lifecycleStage(yaml, meta, RUN_META);
        String artifactUri = optionalText(yaml, "artifact_uri", meta, RUN_META).orElse("");
        Map<String, String> params = readValueFiles(dir.resolve("params"), "param file");
        Map<String, String> tags = readValueFiles(dir.resolve("tags"), "tag file");
        // Runs from before MLflow 1.29 have no run_name; their name lives only in this tag.
        String name = optionalText(yaml, "run_name", meta, RUN_META).filter(s -> !s.isEmpty())
                .orElseGet(() -> tags.getOrDefault("mlflow.runName", ""));
        List<MlflowMetric> metrics = readMetrics(dir.resolve("metrics"));
        return new MlflowRun(id, experimentId, name, userId, status, startTime, endTime, stage, artifactUri,
                params, tags, metrics, localArtifacts(dir, artifactUri), dir);
    }

    /** True for an {@code MLmodel} file, the mark of a logged model. */
    static boolean isModelFile(Path path) {
        return path.getFileName() != null && MODEL_FILE.equals(path.getFileName().toString()) && Files.isRegularFile(path);
    }

    /** Reads one {@code MLmodel} file; {@link #models} reads every one of a run. */
    static MlflowModel readModel(Path file) {
        JsonNode yaml = readYaml(file, MODEL_META);
        Map<String, Map<String, Object>> flavors = new TreeMap<>();
        JsonNode flavorsNode = yaml.get("flavors");
        Optional<String> onnxData = Optional.empty();
        Optional<String> onnxVersion = Optional.empty();
        if (flavorsNode != null && !flavorsNode.isNull()) {
            if (!flavorsNode.isObject()) {
                throw new InvalidArgumentException(MODEL_META + " " + file + ": flavors is '" + quote(flavorsNode.toString())
                        + "'; expected a mapping of flavor names to their settings, like 'flavors: {onnx: {data: model.onnx}}'");
            }
            for (Map.Entry<String, JsonNode> flavor : flavorsNode.properties()) {
                JsonNode settings = flavor.getValue();
                if (settings.isNull()) {
                    flavors.put(flavor.getKey(), Map.of());
                    continue;
                }
                if (!settings.isObject()) {
                    throw new InvalidArgumentException(MODEL_META + " " + file + ": flavor '" + flavor.getKey() + "' is '"
                            + quote(settings.toString()) + "'; expected a mapping of its settings, like 'data: model.onnx'");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> converted = (Map<String, Object>) toJava(settings);
                flavors.put(flavor.getKey(), converted);
            }
            JsonNode onnx = flavorsNode.get("onnx");
            if (onnx != null && onnx.isObject()) {
                onnxData = optionalText(onnx, "data", file, MODEL_META + " onnx flavor");
                onnxVersion = optionalText(onnx, "onnx_version", file, MODEL_META + " onnx flavor");
            }
        }
        return new MlflowModel(
                optionalText(yaml, "artifact_path", file, MODEL_META).orElse(""),
                optionalText(yaml, "run_id", file, MODEL_META).orElse(""),
                optionalText(yaml, "model_uuid", file, MODEL_META).orElse(""),
                optionalText(yaml, "mlflow_version", file, MODEL_META).orElse(""),
                optionalText(yaml, "utc_time_created", file, MODEL_META).orElse(""),
                flavors, onnxData, onnxVersion, file.getParent());
    }

    /** Reads files whose whole content is a value, keyed by their path below {@code dir} joined with '/'. */
    private static Map<String, String> readValueFiles(Path dir, String kind) {
        Map<String, String> values = new TreeMap<>();
        for (Path file : filesBelow(dir)) {
            values.put(key(dir, file), readText(file, kind));
        }
        return values;
    }

    private static List<MlflowMetric> readMetrics(Path dir) {
        List<MlflowMetric> metrics = new ArrayList<>();
        for (Path file : filesBelow(dir)) {
            String key = key(dir, file);
            List<String> lines = readText(file, "metric file").lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                // A blank line carries no value; MLflow itself never writes one, but editors may add one at the end.
                if (!line.isBlank()) {
                    metrics.add(metric(key, file, i + 1, line));
                }
            }
        }
        return metrics;
    }

    private static MlflowMetric metric(String key, Path file, int lineNumber, String line) {
        String[] fields = WHITE_SPACE.split(line.strip());
        if (fields.length != 2 && fields.length != 3) {
            throw badMetricLine(file, lineNumber, line, "with 2 or 3 space-separated fields (it has " + fields.length + ")");
        }
        if (!INTEGER.matcher(fields[0]).matches()) {
            throw badMetricLine(file, lineNumber, line, "with an integer timestamp");
        }
        OptionalDouble value = pythonFloat(fields[1]);
        if (value.isEmpty()) {
            throw badMetricLine(file, lineNumber, line, "with a number, nan, inf or -inf as value");
        }
        long step = 0;
        if (fields.length == 3) {
            if (!INTEGER.matcher(fields[2]).matches()) {
                throw badMetricLine(file, lineNumber, line, "with an integer step");
            }
            step = Long.parseLong(fields[2]);
        }
        return new MlflowMetric(key, value.getAsDouble(), Long.parseLong(fields[0]), step);
    }

    private static InvalidArgumentException badMetricLine(Path file, int lineNumber, String line, String rule) {
        return new InvalidArgumentException("metric file " + file + " line " + lineNumber + ": '" + quote(line)
                + "' is not " + METRIC_LINE_FORMAT + " " + rule);
    }

    /** Python writes float('nan') and the infinities as nan, inf and -inf, which Java's parser rejects. */
    private static OptionalDouble pythonFloat(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (unsigned.equals("nan")) {
            return OptionalDouble.of(Double.NaN);
        }
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return OptionalDouble.of(lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (DECIMAL.matcher(text).matches()) {
            return OptionalDouble.of(Double.parseDouble(text));
        }
        return OptionalDouble.empty();
    }

    private static MlflowRunStatus status(JsonNode yaml, Path meta) {
        JsonNode node = yaml.get("status");
        if (node == null || node.isNull()) {
            throw new InvalidArgumentException(RUN_META + " " + meta
                    + ": status is missing; expected a number 1 to 5 or a name, like 'status: 3'");
        }
        try {
            if (node.isIntegralNumber() && node.canConvertToInt()) {
                return MlflowRunStatus.fromCode(node.intValue());
            }
            if (node.isTextual()) {
                return MlflowRunStatus.parse(node.textValue());
            }
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(RUN_META + " " + meta + ": " + e.getMessage(), e);
        }
        throw new InvalidArgumentException(RUN_META + " " + meta + ": status '" + quote(node.toString())
                + "' is not a run status; expected a number 1 to 5 or a name, like 'status: 3'");
    }

    private static String lifecycleStage(JsonNode yaml, Path meta, String kind) {
        // Stores from before MLflow 0.7 have no lifecycle stage; MLflow reads them as active.
        String stage = optionalText(yaml, "lifecycle_stage", meta, kind).orElse("active");
        if (!LIFECYCLE_STAGES.contains(stage)) {
            throw new InvalidArgumentException(kind + " " + meta + ": lifecycle_stage '" + quote(stage)
                    + "' is not 'active' or 'deleted'");
        }
        return stage;
    }

    /**
     * The run's artifacts folder in the store, or else the folder its file: artifact URI names, for
     * runs that were logged with a custom local artifact location.
     */
    private static Optional<Path> localArtifacts(Path runDir, String artifactUri) {
        Path inStore = runDir.resolve("artifacts");
        if (Files.isDirectory(inStore)) {
            return Optional.of(inStore);
        }
        return localPath(artifactUri).filter(Files::isDirectory);
    }

    private static Optional<Path> localPath(String uri) {
        try {
            if (uri.startsWith("file:")) {
                return Optional.of(Path.of(URI.create(uri)));
            }
            // Old MLflow versions recorded plain absolute paths without a scheme.
            if (!uri.isEmpty() && !uri.contains("://")) {
                Path path = Path.of(uri);
                return path.isAbsolute() ? Optional.of(path) : Optional.empty();
            }
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            // InvalidPathException is an IllegalArgumentException too; an unusable URI just means no local copy.
            LOG.debug("Artifact URI {} does not name a local path", uri, e);
        }
        return Optional.empty();
    }

    private static JsonNode readYaml(Path file, String kind) {
        String text = readText(file, kind);
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null || location.getLineNr() < 1 ? "" : " at line " + location.getLineNr();
            throw new InvalidArgumentException(kind + " " + file + " is not valid YAML" + where + ": "
                    + e.getOriginalMessage() + "; expected 'key: value' lines as MLflow writes them", e);
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new InvalidArgumentException(kind + " " + file
                    + " is empty; expected 'key: value' lines as MLflow writes them");
        }
        if (!node.isObject()) {
            throw new InvalidArgumentException(kind + " " + file + " holds '" + quote(text.strip())
                    + "', not a YAML mapping; expected 'key: value' lines as MLflow writes them");
        }
        return node;
    }

    private static String requiredText(JsonNode yaml, String key, Path file, String kind) {
        return optionalText(yaml, key, file, kind).filter(s -> !s.isEmpty()).orElseThrow(
                () -> new InvalidArgumentException(kind + " " + file + ": " + key + " is missing or empty; expected a line like '"
                        + key + ": value'"));
    }

    private static Optional<String> optionalText(JsonNode yaml, String key, Path file, String kind) {
        JsonNode node = yaml.get(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isContainerNode()) {
            throw new InvalidArgumentException(kind + " " + file + ": " + key + " is '" + quote(node.toString())
                    + "'; expected a single value, like '" + key + ": value'");
        }
        // Old MLflow versions wrote ids as YAML integers (experiment_id: 0); text keeps them comparable.
        return Optional.of(node.asText());
    }

    private static OptionalLong optionalLong(JsonNode yaml, String key, Path file, String kind) {
        JsonNode node = yaml.get(key);
        if (node == null || node.isNull()) {
            return OptionalLong.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return OptionalLong.of(node.longValue());
        }
        if (node.isTextual() && INTEGER.matcher(node.textValue().strip()).matches()) {
            return OptionalLong.of(Long.parseLong(node.textValue().strip()));
        }
        throw new InvalidArgumentException(kind + " " + file + ": " + key + " '" + quote(node.toString())
                + "' is not milliseconds since the epoch; expected an integer, like '" + key + ": 1700000000000'");
    }

    /** Plain Java values for a YAML tree; null settings are dropped, as MLflow treats them as absent. */
    private static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!field.getValue().isNull()) {
                    map.put(field.getKey(), toJava(field.getValue()));
                }
            }
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                list.add(element.isNull() ? null : toJava(element));
            }
            return Collections.unmodifiableList(list);
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToInt()) {
                return node.intValue();
            }
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    private static List<Path> subdirectories(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw unreadable("directory", dir, e);
        }
    }

    private static List<Path> filesBelow(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw unreadable("directory", dir, e);
        }
    }

    /** The key MLflow stored as nested folders; joined with '/' whatever the platform's separator. */
    private static String key(Path dir, Path file) {
        return ArtifactKeys.relativePath(dir, file);
    }

    private static String readText(Path file, String kind) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new InvalidArgumentException(kind + " " + file + " is not valid UTF-8 text, which is what MLflow writes", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kind + " " + file, e);
        }
    }

    private static UncheckedIOException unreadable(String kind, Path path, Exception e) {
        IOException io = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
        return new UncheckedIOException("cannot read " + kind + " " + path, io);
    }

    /** Experiment ids are numbers in practice; ordering them as numbers lists '10' after '9'. */
    private static int compareIds(String a, String b) {
        boolean aNumeric = !a.isEmpty() && a.chars().allMatch(c -> c >= '0' && c <= '9');
        boolean bNumeric = !b.isEmpty() && b.chars().allMatch(c -> c >= '0' && c <= '9');
        if (aNumeric && bNumeric) {
            int byValue = new BigInteger(a).compareTo(new BigInteger(b));
            return byValue != 0 ? byValue : a.compareTo(b);
        }
        if (aNumeric != bNumeric) {
            return aNumeric ? -1 : 1;
        }
        return a.compareTo(b);
    }

    /** Keeps messages readable when a file holds something huge where one short line was expected. */
    private static String quote(String text) {
        return text.length() <= MAX_QUOTED_LENGTH ? text : text.substring(0, MAX_QUOTED_LENGTH) + "...";
    }
}
