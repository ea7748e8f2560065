package io.mlops.mlflow;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.RunStatus;
import io.mlops.core.internal.ArtifactKeys;
import io.mlops.core.internal.RunImports;
import io.mlops.core.internal.RunImports.ForeignRun;
import io.mlops.core.internal.RunImports.Outcome;
import io.mlops.core.internal.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports what MLflow's local file store recorded under an {@code mlruns/} directory: every active
 * run of every active experiment, with its own id, name, user, status, times, params, tags, full
 * metric history and artifacts, and optionally its ONNX models as registered model versions.
 *
 * <pre>{@code
 * try (Mlops mlops = Mlops.local()) {
 *     ImportReport report = MlflowImporter.builder(mlops)
 *             .registerOnnxModelsAs("credit-risk")     // optional: otherwise models stay run artifacts
 *             .experimentNamePrefix("mlflow/")         // optional: "credit" becomes "mlflow/credit"
 *             .build()
 *             .importAll(Path.of("/home/analyst/credit/mlruns"));
 *     System.out.println(report.summary());
 * }
 * }</pre>
 *
 * <p>Importing is idempotent: a run imported before is found by its source tag and reported as
 * already imported, and nothing is written for it again (no artifacts, no model versions). As a
 * consequence an import that failed part-way through a run (say, the artifact store went away
 * while its files were uploaded) is not resumed for that run by importing again.
 *
 * <p>What cannot be kept is reported, not fatal: deleted experiments and runs, metric points and
 * params the SDK rejects (NaN, too long, ...), artifact files that are symbolic links, and models
 * whose ONNX file is missing. Anything the SDK throws (authorization, a store failure, an invalid
 * experiment name) and any file the store reader cannot parse stops the import and propagates
 * unchanged, after a warning naming the MLflow run.
 *
 * <p>Instances are immutable. Two imports of the same store running at the same time may both
 * import a run, so run one at a time.
 */
public final class MlflowImporter {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowImporter.class);

    private static final String ACTIVE = "active";
    private static final String SOURCE_PREFIX = "mlflow:";
    private static final String ONNX_FLAVOR = "onnx";

    /** Tags a registered version carries so it can be traced back to MLflow. */
    static final String RUN_ID_TAG = "mlflow.run_id";
    static final String MODEL_UUID_TAG = "mlflow.model_uuid";
    static final String ARTIFACT_PATH_TAG = "mlflow.artifact_path";

    private final Mlops mlops;
    private final Optional<String> modelName;
    private final String experimentNamePrefix;

    private MlflowImporter(Builder builder) {
        this.mlops = builder.mlops;
        this.modelName = Optional.ofNullable(builder.modelName);
        this.experimentNamePrefix = builder.experimentNamePrefix;
    }

    /** Starts configuring an importer that writes into {@code mlops}. */
    public static Builder builder(Mlops mlops) {
        return new Builder(mlops);
    }

    /**
     * Imports every active run of every active experiment under {@code mlrunsRoot}, the directory
     * MLflow calls {@code mlruns}, in experiment id order and, within an experiment, in start order.
     *
     * @throws InvalidArgumentException if the directory is not an MLflow file store or one of its
     *     files does not follow MLflow's layout, or if the SDK rejects an experiment
     * @throws UncheckedIOException if a file cannot be read
     */
    public ImportReport importAll(Path mlrunsRoot) {
        MlflowFileStore store = MlflowFileStore.open(mlrunsRoot);
        List<ImportReport.ImportedRun> imported = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (MlflowExperiment experiment : store.experiments()) {
            if (!ACTIVE.equals(experiment.lifecycleStage())) {
                skipped.add("experiment " + experiment.id() + " '" + experiment.name() + "': deleted in MLflow");
                continue;
            }
            for (MlflowRun run : store.runs(experiment)) {
                if (!ACTIVE.equals(run.lifecycleStage())) {
                    skipped.add("run " + run.id() + " of experiment '" + experiment.name() + "': deleted in MLflow");
                    continue;
                }
                try {
                    imported.add(importRun(experiment, run));
                } catch (RuntimeException e) {
                    // The exception alone names the store object that failed, not the MLflow run behind it.
                    LOG.warn("Import of MLflow run {} of experiment '{}' from {} failed: {}", run.id(), experiment.name(),
                            store.root(), e.toString());
                    throw e;
                }
            }
        }
        ImportReport report = new ImportReport(imported, skipped);
        LOG.info("{} from {}", report.summary(), store.root());
        return report;
    }

    private ImportReport.ImportedRun importRun(MlflowExperiment experiment, MlflowRun run) {
        String experimentName = experimentNamePrefix + experiment.name();
        // Read before anything is written: a run that fails here can be imported again once fixed,
        // whereas one that failed after being imported would be skipped as already imported.
        Optional<Path> artifacts = run.artifactsDirectory();
        List<Path> files = artifacts.map(MlflowImporter::artifactFiles).orElse(List.of());
        // The MLmodel files come from the same listing as the uploads: the folder is walked once.
        List<MlflowModel> onnxModels = modelName.isEmpty() ? List.of()
                : files.stream().filter(MlflowFileStore::isModelFile).map(MlflowFileStore::readModel)
                        .filter(m -> m.flavors().containsKey(ONNX_FLAVOR)).toList();

        Outcome outcome = RunImports.importRun(mlops, foreignRun(experimentName, run));
        if (outcome.alreadyImported()) {
            return new ImportReport.ImportedRun(run.id(), outcome.runId(), experimentName, true, 0, List.of(), List.of());
        }
        List<String> skipped = new ArrayList<>(outcome.skipped());
        if (artifacts.isEmpty() && !run.artifactUri().isEmpty()) {
            skipped.add("artifacts at " + run.artifactUri() + ": not on the local file system, not copied");
        }
        Map<String, StoredObject> uploaded = artifacts.isEmpty() ? Map.of()
                : upload(artifacts.get(), files, outcome.runId(), skipped);
        List<String> versions = new ArrayList<>();
        for (MlflowModel model : onnxModels) {
            register(run, outcome.runId(), artifacts.orElseThrow(), model, uploaded, skipped).ifPresent(versions::add);
        }
        LOG.debug("Imported MLflow run {} as {} in experiment '{}': {} artifacts, versions {}, {} skipped", run.id(),
                outcome.runId(), experimentName, uploaded.size(), versions, skipped.size());
        return new ImportReport.ImportedRun(run.id(), outcome.runId(), experimentName, false, uploaded.size(), versions,
                skipped);
    }

    private static ForeignRun foreignRun(String experimentName, MlflowRun run) {
        List<Metric> metrics = new ArrayList<>(run.metrics().size());
        for (MlflowMetric m : run.metrics()) {
            metrics.add(new Metric(m.key(), m.value(), m.step(), m.timestamp()));
        }
        return new ForeignRun(experimentName, SOURCE_PREFIX + run.id(), run.id(), run.name(), run.userId(),
                status(run.status()), run.startTime(), run.endTime(), run.params(), run.tags(), metrics);
    }

    private static RunStatus status(MlflowRunStatus status) {
        return switch (status) {
            // A scheduled run never started; imported as running, core ends it as killed.
            case RUNNING, SCHEDULED -> RunStatus.RUNNING;
            case FINISHED -> RunStatus.FINISHED;
            case FAILED -> RunStatus.FAILED;
            case KILLED -> RunStatus.KILLED;
        };
    }

    /** Stores the run's artifact files; returns what was stored by relative path. */
    private Map<String, StoredObject> upload(Path artifacts, List<Path> files, String runId, List<String> skipped) {
        Map<String, StoredObject> uploaded = new LinkedHashMap<>();
        for (Path file : files) {
            String relative = relativePath(artifacts, file);
            if (Files.isSymbolicLink(file)) {
                // A store from elsewhere must not make us copy files from outside it.
                skipped.add("artifact " + relative + ": a symbolic link, not copied");
                continue;
            }
            if (!Files.isRegularFile(file)) {
                continue;
            }
            String key;
            try {
                key = RunImports.artifactKey(runId, relative);
            } catch (InvalidArgumentException e) {
                // Only the name is at fault, and nothing has been written for it yet.
                skipped.add("artifact " + relative + ": " + e.getMessage());
                continue;
            }
            uploaded.put(relative, mlops.artifacts().put(key, file));
        }
        return uploaded;
    }

    private Optional<String> register(MlflowRun run, String runId, Path artifacts, MlflowModel model,
            Map<String, StoredObject> uploaded, List<String> skipped) {
        String modelDirectory = relativePath(artifacts, model.directory());
        String artifactPath = model.artifactPath().isEmpty() ? modelDirectory : model.artifactPath();
        String what = "model " + artifactPath;
        Optional<Path> onnxFile;
        try {
            onnxFile = model.onnxFile();
        } catch (InvalidArgumentException e) {
            skipped.add(what + ": " + e.getMessage());
            return Optional.empty();
        }
        if (onnxFile.isEmpty()) {
            skipped.add(what + ": its onnx flavor names no data file, not registered");
            return Optional.empty();
        }
        String onnxPath = relativePath(artifacts, onnxFile.get());
        StoredObject stored = uploaded.get(onnxPath);
        if (stored == null) {
            skipped.add(what + ": ONNX file " + onnxPath + (Files.exists(onnxFile.get())
                    ? " was not copied (see above), not registered" : " is missing, not registered"));
            return Optional.empty();
        }
        NewModelVersion.Builder spec = NewModelVersion.builder(modelName.orElseThrow(), stored.key())
                .runId(runId)
                // The MLmodel says onnx even when the data file is not named *.onnx.
                .flavor(ONNX_FLAVOR)
                .description("Imported from MLflow run " + run.id() + " (" + artifactPath + ")")
                .tag(RUN_ID_TAG, run.id())
                .tag(ARTIFACT_PATH_TAG, artifactPath);
        if (!model.modelUuid().isEmpty()) {
            spec.tag(MODEL_UUID_TAG, model.modelUuid());
        }
        ModelVersion version = mlops.registry().createVersion(spec.build());
        return Optional.of(version.name() + "/" + version.version());
    }

    private static List<Path> artifactFiles(Path artifacts) {
        try (Stream<Path> walk = Files.walk(artifacts)) {
            // Links are listed, not followed, so that they can be reported rather than copied.
            return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifacts directory " + artifacts, e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot read artifacts directory " + artifacts, e.getCause());
        }
    }

    /** Artifact paths use '/' whatever the platform's separator. */
    private static String relativePath(Path base, Path file) {
        return ArtifactKeys.relativePath(base.toAbsolutePath().normalize(), file.toAbsolutePath().normalize());
    }

    /**
     * Configures an {@link MlflowImporter}. Not thread-safe.
     *
     * <pre>{@code
     * MlflowImporter importer = MlflowImporter.builder(mlops).registerOnnxModelsAs("credit-risk").build();
     * }</pre>
     */
    public static final class Builder {
        private final Mlops mlops;
        private String modelName;
        private String experimentNamePrefix = "";

        private Builder(Mlops mlops) {
            this.mlops = Objects.requireNonNull(mlops, "mlops");
        }

        /**
         * Registers every model with the {@code onnx} flavor found in an imported run as a new version
         * of {@code modelName}. Without this, models are only stored as run artifacts.
         *
         * @throws InvalidArgumentException if it is not a valid model name
         */
        public Builder registerOnnxModelsAs(String modelName) {
            // Checked now: found out only after a run was imported, a bad name could not be fixed by
            // importing again, since the run would then be skipped as already imported.
            this.modelName = Validation.modelName(modelName);
            return this;
        }

        /** Put before every MLflow experiment name to make the experiment name here; default {@code ""}. */
        public Builder experimentNamePrefix(String prefix) {
            this.experimentNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        public MlflowImporter build() {
            return new MlflowImporter(this);
        }
    }
}
