package io.mlops.api.monitoring;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One prediction from a model server's log, with its ground truth when that has been recorded.
 *
 * @param requestId      the caller's request id, or one the server made up
 * @param model          the registered model
 * @param version        the version that answered
 * @param timestamp      when it answered, epoch milliseconds
 * @param latencyMicros  how long scoring took
 * @param inputs         the row as given (numbers, text, booleans)
 * @param predictedLabel the predicted class, for classifiers
 * @param probabilities  class probabilities, for classifiers
 * @param values         predicted values, for regressors
 * @param actualLabel    the ground truth recorded later under the same request id
 */
public record LoggedPrediction(String requestId, String model, int version, long timestamp, long latencyMicros,
        Map<String, Object> inputs, Optional<String> predictedLabel, Map<String, Double> probabilities,
        List<Double> values, Optional<String> actualLabel) {

    public LoggedPrediction {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(model, "model");
        inputs = inputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
        predictedLabel = predictedLabel == null ? Optional.empty() : predictedLabel;
        probabilities = probabilities == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(probabilities));
        values = values == null ? List.of() : List.copyOf(values);
        actualLabel = actualLabel == null ? Optional.empty() : actualLabel;
    }
}
