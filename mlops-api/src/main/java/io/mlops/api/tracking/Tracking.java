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

    /**
     * Searches the runs of one or more experiments with MLflow's filter language (see
     * {@link RunSearch} for the grammar), one page at a time.
     *
     * <pre>{@code
     * RunSearch search = RunSearch.builder(experiment.id())
     *         .filter("metrics.auc > 0.75 AND params.trainer = 'lr' AND attributes.status = 'FINISHED'")
     *         .orderBy("metrics.auc DESC")
     *         .pageSize(50)
     *         .build();
     * RunPage page = tracking.searchRuns(search);
     * page.runs().forEach(run -> System.out.println(run.name() + " " + run.metric("auc").orElseThrow()));
     * }</pre>
     *
     * A filter has at most {@value RunSearch#MAX_CLAUSES} clauses and an order at most
     * {@value RunSearch#MAX_ORDER_KEYS} keys. A page token is only valid for the search that produced
     * it (same experiments, filter, order and page size); pages reflect the runs as they are when
     * each page is read, so runs changing between pages may move across page boundaries.
     *
     * @return the matching runs of the requested page, never null
     * @throws io.mlops.api.InvalidArgumentException if the filter or an order key does not parse (the
     *         message names the position and the offending token), the page size is out of range, or
     *         the page token is malformed or belongs to another search
     * @throws io.mlops.api.NotFoundException if an experiment does not exist
     */
    RunPage searchRuns(RunSearch search);

    /** Every point of one metric of a run, ordered by step, then timestamp. */
    List<Metric> getMetricHistory(String runId, String key);

    /**
     * A logger that writes metric points of a running run in the background, in batches, for
     * high rates (training loops, streaming evaluation). Each point is validated when it is logged,
     * with the rules of {@link ActiveRun#logMetric(String, double, long)}; points without a
     * timestamp are stamped with this instance's clock. Several loggers may write to one run.
     *
     * <pre>{@code
     * BatchingOptions options = BatchingOptions.builder().maxBatchSize(5_000).build();
     * try (BatchedMetricLogger metrics = tracking.batchedLogger(run.id(), options)) {
     *     for (long step = 0; step < steps; step++) {
     *         metrics.logMetric("loss", trainOneStep(), step);
     *     }
     * } // close() returns once every point is stored, or throws
     * }</pre>
     *
     * The caller must close the logger: it owns a daemon thread, and points still buffered when
     * the JVM exits are lost. Identical points (same key, step, timestamp and value) are stored
     * once, which is what makes retries after a lost connection exactly-once.
     *
     * @param options buffering, batching and retry settings; {@link BatchingOptions#DEFAULTS} suits most uses
     * @return a started logger, never null; thread-safe
     * @throws io.mlops.api.NotFoundException if there is no such run
     * @throws io.mlops.api.ConflictException if the run has already ended
     */
    BatchedMetricLogger batchedLogger(String runId, BatchingOptions options);

    /** The artifacts stored for a run, by key. */
    List<StoredObject> listArtifacts(String runId);
}
