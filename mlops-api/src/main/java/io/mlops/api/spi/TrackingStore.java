package io.mlops.api.spi;

import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persistence of experiments and runs. Values arrive validated; methods must be atomic and
 * thread-safe, and safe for several processes sharing the same store. Operations on a run or
 * experiment that does not exist raise {@link io.mlops.api.NotFoundException}; failures to reach
 * the store raise {@link io.mlops.api.StoreUnavailableException}.
 */
public interface TrackingStore {

    /** @throws io.mlops.api.AlreadyExistsException if the name (or id) is taken */
    Experiment createExperiment(String id, String name, Map<String, String> tags, long creationTime);

    Optional<Experiment> findExperimentById(String id);

    Optional<Experiment> findExperimentByName(String name);

    /** Oldest first. */
    List<Experiment> listExperiments();

    void setExperimentTag(String experimentId, String key, String value);

    /**
     * Stores a new run with its initial tags (params, metrics and inputs are empty).
     *
     * @throws io.mlops.api.NotFoundException if the experiment does not exist
     * @throws io.mlops.api.AlreadyExistsException if the run id is taken
     */
    void createRun(Run run);

    Optional<Run> findRun(String runId);

    /** Newest first (start time descending, then id). */
    List<Run> listRuns(String experimentId);

    /**
     * Moves a RUNNING run to a terminal status.
     *
     * @return false, changing nothing, if the run had already ended
     */
    boolean endRun(String runId, RunStatus status, long endTime);

    /**
     * Sets a param unless the key is already set, atomically.
     *
     * @return empty if this call set it, otherwise the value already stored (which may be equal)
     */
    Optional<String> putParamIfAbsent(String runId, String key, String value);

    /**
     * Appends metric points; all or none. A point's identity is (run, key, step, timestamp, value),
     * MLflow's metric key: a point equal in all five to one already stored, or to an earlier one in
     * the same call, is stored once and the call still succeeds. Writers rely on this to repeat a
     * call whose outcome they could not learn (a connection lost during commit) without storing a
     * point twice. Values are compared numerically, so {@code 0.0} and {@code -0.0} are one value.
     */
    void logMetrics(String runId, List<Metric> metrics);

    /** Ordered by step, then timestamp, then insertion; each stored point once. */
    List<Metric> metricHistory(String runId, String key);

    void setRunTag(String runId, String key, String value);

    /**
     * The runs a checked search selects, in its order, skipping {@link RunQuery#offset()} and at
     * most {@link RunQuery#limit()} of them. The experiments exist and every value is checked;
     * stores must pass keys and values to their query language as bound parameters, never as text.
     */
    List<Run> searchRuns(RunQuery query);

    /** Records inputs; an input equal to one already recorded (same digest, name and context) is ignored. */
    void logInputs(String runId, List<DatasetInput> inputs);

    /**
     * Stores a dataset version unless one with the same name and digest is stored, atomically.
     *
     * @return the stored version: {@code version}, or the one stored first (whose creator and time stand)
     */
    DatasetVersion saveDatasetVersion(DatasetVersion version);

    /** Every version with this digest, whatever its name, oldest first. */
    List<DatasetVersion> findDatasetVersions(String digest);

    /** The versions of one name, newest first (creation time descending, then digest). */
    List<DatasetVersion> listDatasetVersions(String name);

    /** Ids of the runs that logged an input with this digest, oldest run first; each once. */
    List<String> runIdsWithInput(String digest);
}
