package io.mlops.api.tracking;

import io.mlops.api.artifact.StoredObject;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run in progress: log to it, then {@link #finish()} it. Like a JDBC transaction that is rolled
 * back unless committed, a run that is closed without {@code finish()} ends {@link RunStatus#FAILED},
 * so an exception leaving a try-with-resources block marks the run failed and propagates unchanged:
 *
 * <pre>{@code
 * try (ActiveRun run = mlops.tracking().startRun("credit-risk")) {
 *     run.logParam("learning_rate", "0.1");
 *     for (int epoch = 0; epoch < 5; epoch++) {
 *         run.logMetric("loss", trainOneEpoch(), epoch);
 *     }
 *     run.finish();   // FINISHED; without it, close() ends the run FAILED
 * }
 * }</pre>
 *
 * <p>{@link Tracking#run(RunSpec, RunBody)} does the same with a callback.
 *
 * <p>Thread-safe: several threads may log to one run. After the run has ended every logging call
 * raises {@link io.mlops.api.ConflictException}.
 */
public interface ActiveRun extends AutoCloseable {

    String id();

    String experimentId();

    /** A fresh snapshot from the store. */
    Run snapshot();

    /**
     * Sets a parameter. Parameters never change: setting the same value again is a no-op, a
     * different value raises {@link io.mlops.api.ConflictException} naming both values.
     */
    ActiveRun logParam(String key, String value);

    /** Sets several parameters; see {@link #logParam(String, String)}. */
    ActiveRun logParams(Map<String, String> params);

    /** Logs a metric point at step 0 with the current time. The value must be finite. */
    ActiveRun logMetric(String key, double value);

    /** Logs a metric point at {@code step} with the current time. The value must be finite. */
    ActiveRun logMetric(String key, double value, long step);

    /** Logs several metric points of one step at once, in one write. */
    ActiveRun logMetrics(Map<String, Double> values, long step);

    /** Sets or replaces a tag. */
    ActiveRun setTag(String key, String value);

    /** Records that the run used {@code dataset} in role {@code context} (e.g. "training"). */
    ActiveRun logInput(Dataset dataset, String context);

    /** Records that the run used a stored dataset version in role {@code context}. */
    default ActiveRun logInput(io.mlops.api.data.DatasetVersion version, String context) {
        return logInput(version.toDataset(), context);
    }

    /**
     * Logs a file or folder as a version of dataset {@code name} (stored once, content-addressed;
     * see {@link io.mlops.api.data.Datasets#log}) and records it as this run's input in role
     * {@code context}.
     *
     * <pre>{@code
     * DatasetVersion train = run.logDataset("bank-marketing", Path.of("data/train.csv"), "training");
     * }</pre>
     */
    io.mlops.api.data.DatasetVersion logDataset(String name, Path data, String context);

    /** Stores a file under this run's artifacts, at {@code artifactPath} (e.g. "model/model.onnx"). */
    StoredObject logArtifact(Path file, String artifactPath);

    /** Stores a stream's bytes under this run's artifacts (the caller closes the stream). */
    StoredObject logArtifact(InputStream content, String artifactPath);

    /** The store key an artifact of this run at {@code artifactPath} has. */
    String artifactKey(String artifactPath);

    /** Starts a run nested under this one, in the same experiment. */
    ActiveRun startChild(String name);

    /** Ends the run {@link RunStatus#FINISHED}. */
    void finish();

    /** Ends the run with the given end state. */
    void end(RunStatus status);

    /** Ends the run {@link RunStatus#FAILED} unless it has already ended. Never throws for a run that ended. */
    @Override
    void close();
}
