package io.mlops.api.tracking;

import io.mlops.api.artifact.StoredObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experiment tracking: experiments, runs, parameters, metrics, tags, data set inputs and
 * artifacts. Obtained from {@code Mlops.tracking()}; thread-safe.
 *
 * <pre>{@code
 * Tracking tracking = mlops.tracking();
 * double auc = tracking.run(RunSpec.builder("credit-risk").name("baseline").build(), run -> {
 *     run.logParam("trainer", "lr");
 *     double a = train();
 *     run.logMetric("auc", a);
 *     return a;
 * });
 * List<Run> runs = tracking.listRuns(tracking.getExperimentByName("credit-risk").id());
 * }</pre>
 *
 * <h2>Names</h2>
 * Experiment names: 1–256 characters, no control characters, not blank. Param, metric and tag
 * keys: 1–250 characters of letters, digits, and {@code _ - . / :} or space, not starting with
 * '/'. Param values: at most 6000 characters; tag values at most 8000. Breaking a rule raises
 * {@link io.mlops.api.InvalidArgumentException} naming the value.
 */
public interface Tracking {

    /** Returns the experiment of that name, creating it if there is none (safe under concurrency). */
    Experiment getOrCreateExperiment(String name);

    /** Creates an experiment; {@link io.mlops.api.AlreadyExistsException} if the name is taken. */
    Experiment createExperiment(String name, Map<String, String> tags);

    /** @throws io.mlops.api.NotFoundException if there is no experiment with that id */
    Experiment getExperiment(String experimentId);

    /** @throws io.mlops.api.NotFoundException if there is no experiment with that name */
    Experiment getExperimentByName(String name);

    Optional<Experiment> findExperimentByName(String name);

    /** All experiments, oldest first. */
    List<Experiment> listExperiments();

    void setExperimentTag(String experimentId, String key, String value);

    /** Starts a run in the named experiment (created if missing). */
    ActiveRun startRun(String experimentName);

    ActiveRun startRun(RunSpec spec);

    /**
     * Runs {@code body} inside a new run: FINISHED if it returns, FAILED if it throws, in which case
     * the exception is rethrown (checked ones wrapped in {@link io.mlops.api.MlopsException}).
     */
    <T> T run(RunSpec spec, RunBody<T> body);

    /** @throws io.mlops.api.NotFoundException if there is no such run */
    Run getRun(String runId);

    /** The runs of an experiment, newest first. */
    List<Run> listRuns(String experimentId);

    /** Every point of one metric of a run, ordered by step, then timestamp. */
    List<Metric> getMetricHistory(String runId, String key);

    /** The artifacts stored for a run, by key. */
    List<StoredObject> listArtifacts(String runId);
}
