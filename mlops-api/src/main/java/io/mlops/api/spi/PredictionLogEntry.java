package io.mlops.api.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A logged prediction as stores keep it: indexed columns plus the inputs and outputs as one JSON
 * document whose format core owns, and the ground-truth label joined on read.
 *
 * @param model         the registered model
 * @param version       the version that answered
 * @param requestId     the request id (1 to 128 characters)
 * @param loggedAt      epoch milliseconds
 * @param latencyMicros scoring time
 * @param payload       inputs and outputs, JSON
 * @param label         the recorded ground truth, on read; empty on append
 */
public record PredictionLogEntry(String model, int version, String requestId, long loggedAt, long latencyMicros,
        String payload, Optional<String> label) {

    public PredictionLogEntry {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(payload, "payload");
        label = label == null ? Optional.empty() : label;
    }

    public PredictionLogEntry withLabel(Optional<String> recorded) {
        return new PredictionLogEntry(model, version, requestId, loggedAt, latencyMicros, payload, recorded);
    }
}
