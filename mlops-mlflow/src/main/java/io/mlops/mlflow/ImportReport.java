package io.mlops.mlflow;

import java.util.List;
import java.util.Objects;

/**
 * What {@link MlflowImporter#importAll(java.nio.file.Path)} did: one entry per MLflow run it brought
 * in or found already imported, and what it left out and why.
 *
 * <pre>{@code
 * ImportReport report = MlflowImporter.builder(mlops).registerOnnxModelsAs("credit-risk").build()
 *         .importAll(Path.of("/home/analyst/credit/mlruns"));
 * log.info(report.summary());   // "MLflow import: 3 runs (2 new, 1 already imported), 14 artifacts, ..."
 * report.skipped().forEach(log::warn);
 * }</pre>
 *
 * @param runs one entry per active MLflow run, in the order they were imported
 * @param skipped experiments and runs left out as a whole, each with the reason (for example a
 *     deleted experiment); what was left out of a single run is in {@link ImportedRun#skipped()}
 */
public record ImportReport(List<ImportedRun> runs, List<String> skipped) {

    public ImportReport {
        runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
        skipped = List.copyOf(Objects.requireNonNull(skipped, "skipped"));
    }

    /** The number of runs written by this import, that is not found from an earlier one. */
    public long newRuns() {
        return runs.stream().filter(r -> !r.alreadyImported()).count();
    }

    /** A one-line account for logs and command-line output. */
    public String summary() {
        long fresh = newRuns();
        int artifacts = runs.stream().mapToInt(ImportedRun::artifacts).sum();
        int versions = runs.stream().mapToInt(r -> r.registeredVersions().size()).sum();
        int skippedItems = skipped.size() + runs.stream().mapToInt(r -> r.skipped().size()).sum();
        return "MLflow import: " + count(runs.size(), "run") + " (" + fresh + " new, " + (runs.size() - fresh)
                + " already imported), " + count(artifacts, "artifact") + ", "
                + count(versions, "model version") + " registered, " + skippedItems + " skipped";
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * One MLflow run and where it landed.
     *
     * <pre>{@code
     * for (ImportReport.ImportedRun r : report.runs()) {
     *     Run run = mlops.tracking().getRun(r.runId());
     * }
     * }</pre>
     *
     * @param mlflowRunId the run's id in MLflow
     * @param runId the run's id in this store; the MLflow id when it was free
     * @param experimentName the experiment it is in here: the prefix followed by the MLflow name
     * @param alreadyImported true when an earlier import had brought it in and nothing was written now
     * @param artifacts how many artifact files were stored for it by this import
     * @param registeredVersions model versions registered from its ONNX models, like {@code credit-risk/3}
     * @param skipped what of the run was left out, each with the reason (an invalid metric point, a
     *     model whose ONNX file is missing, ...)
     */
    public record ImportedRun(String mlflowRunId, String runId, String experimentName, boolean alreadyImported,
            int artifacts, List<String> registeredVersions, List<String> skipped) {

        public ImportedRun {
            Objects.requireNonNull(mlflowRunId, "mlflowRunId");
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(experimentName, "experimentName");
            if (artifacts < 0) {
                throw new IllegalArgumentException("artifacts must not be negative, got " + artifacts);
            }
            registeredVersions = List.copyOf(Objects.requireNonNull(registeredVersions, "registeredVersions"));
            skipped = List.copyOf(Objects.requireNonNull(skipped, "skipped"));
        }
    }
}
