package io.mlops.api.monitoring;

import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches what each model version sees and predicts against what it was trained on: baselines
 * stored with versions, the prediction log with ground truth joined later, and drift reports.
 *
 * <pre>{@code
 * Monitoring monitoring = mlops.monitoring();
 * // at registration: the training data's profile, with the model's predictions on it
 * DataProfiler profiler = monitoring.profiler(scorer.features());
 * training.forEach(row -> profiler.add(row, scorer.score(row)));
 * monitoring.attachBaseline("credit-risk", 3, profiler.profile());
 *
 * // later: outcomes as they become known, and the last day's drift
 * monitoring.recordLabel("credit-risk", requestId, "defaulted");
 * DriftReport report = monitoring.check("credit-risk", 3, Instant.now().minus(Duration.ofDays(1)), Instant.now());
 * Files.writeString(Path.of("drift.html"), DriftReports.toHtml(report));
 * }</pre>
 *
 * <p>Statistics are computed on sketches; {@link DriftThresholds} documents the verdicts.
 */
public interface Monitoring {

    /** A profiler for features of the given kinds, in that order. Needs no permission. */
    DataProfiler profiler(Map<String, FeatureKind> schema);

    /** A profiler for a scorer's features: NUMBER features numeric, STRING and BOOLEAN categorical, vectors left out. */
    DataProfiler profiler(List<FeatureSpec> features);

    /**
     * A profiler for data to compare with {@code baseline}: the same features, and the same positive
     * class for {@code prediction.score}, whatever order a scorer lists its classes in.
     *
     * <pre>{@code
     * DataProfiler batch = monitoring.profilerLike(monitoring.baseline("credit-risk", 3).orElseThrow());
     * }</pre>
     */
    DataProfiler profilerLike(DataProfile baseline);

    /**
     * Reads a profile from {@link DataProfile#toBytes()}.
     *
     * @throws io.mlops.api.InvalidArgumentException if the bytes are not a profile this SDK can read
     */
    DataProfile readProfile(byte[] bytes);

    /**
     * Stores a baseline with a NEW version (as evidence it is fixed once approval is requested),
     * pinned on the version by its sha256. Audited.
     *
     * @throws io.mlops.api.ConflictException if the version is past NEW
     */
    ModelVersion attachBaseline(String model, int version, DataProfile baseline);

    /**
     * The version's baseline, verified against its pinned sha256.
     *
     * @throws io.mlops.api.IntegrityException if the stored profile was replaced
     */
    Optional<DataProfile> baseline(String model, int version);

    /**
     * Records the ground truth for a request scored by a model server with a request id; it joins
     * every prediction of that model logged under the id, before or after this call.
     *
     * @throws io.mlops.api.ConflictException if another label was already recorded for the id (equal is fine)
     */
    void recordLabel(String model, String requestId, String label);

    /**
     * Logged predictions of a version in {@code [from, to)}, oldest first, at most {@code limit}.
     * They hold customers' inputs: roles DATA_SCIENTIST, ML_ENGINEER, VALIDATOR and ADMIN may read
     * them, VIEWER may not.
     */
    List<LoggedPrediction> predictions(String model, int version, Instant from, Instant to, int limit);

    /**
     * The profile of a version's logged predictions in {@code [from, to)}, with the baseline's
     * schema. Needs the permission to read logged predictions: a narrow window shows individual
     * customers' values.
     */
    DataProfile windowProfile(String model, int version, Instant from, Instant to);

    /** {@link #check(String, int, Instant, Instant, DriftThresholds)} with {@link DriftThresholds#DEFAULTS}. */
    default DriftReport check(String model, int version, Instant from, Instant to) {
        return check(model, version, from, to, DriftThresholds.DEFAULTS);
    }

    /**
     * Compares a version's logged predictions in {@code [from, to)} with its baseline, and, where
     * labels have been recorded, its accuracy and AUC with the {@code test_accuracy} and
     * {@code test_auc} metrics of its source run. A report on fewer than
     * {@link DriftThresholds#minRows()} rows is not a verdict ({@link DriftReport#conclusive()}) and
     * shows no bins.
     *
     * @throws io.mlops.api.NotFoundException if the version has no baseline
     */
    DriftReport check(String model, int version, Instant from, Instant to, DriftThresholds thresholds);

    /**
     * Compares any profile with a version's baseline, e.g. a batch about to be scored.
     *
     * @throws io.mlops.api.NotFoundException if the version has no baseline
     */
    DriftReport compare(String model, int version, DataProfile window, DriftThresholds thresholds);

    /**
     * Deletes a model's logged predictions older than {@code before}, and their labels; for
     * retention rules. Audited.
     *
     * @return predictions deleted
     */
    long purgePredictions(String model, Instant before);
}
