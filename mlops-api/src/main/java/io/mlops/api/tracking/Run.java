package io.mlops.api.tracking;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of one run: who ran what, with which parameters, and what it measured. Immutable;
 * fetch it again through {@link Tracking#getRun(String)} to see later changes.
 *
 * @param id            32 lowercase hex characters
 * @param experimentId  the experiment it belongs to
 * @param name          human-readable name (not unique)
 * @param parentRunId   the enclosing run for a nested run
 * @param status        lifecycle state
 * @param startTime     epoch milliseconds
 * @param endTime       epoch milliseconds, empty while running
 * @param user          the principal that started it
 * @param params        parameters; each is set once and never changes
 * @param tags          labels; may be overwritten
 * @param latestMetrics the latest point of each metric key
 * @param inputs        data sets the run used
 */
public record Run(
        String id,
        String experimentId,
        String name,
        Optional<String> parentRunId,
        RunStatus status,
        long startTime,
        OptionalLong endTime,
        String user,
        Map<String, String> params,
        Map<String, String> tags,
        Map<String, Metric> latestMetrics,
        List<DatasetInput> inputs) {

    public Run {
        Objects.requireNonNull(id, "run id");
        Objects.requireNonNull(experimentId, "experiment id");
        Objects.requireNonNull(status, "status");
        name = name == null ? "" : name;
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        endTime = endTime == null ? OptionalLong.empty() : endTime;
        user = user == null ? "" : user;
        params = params == null ? Map.of() : Map.copyOf(params);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        latestMetrics = latestMetrics == null ? Map.of() : Map.copyOf(latestMetrics);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** The latest value of a metric, or empty if the run never logged it. */
    public Optional<Double> metric(String key) {
        Metric m = latestMetrics.get(key);
        return m == null ? Optional.empty() : Optional.of(m.value());
    }
}
