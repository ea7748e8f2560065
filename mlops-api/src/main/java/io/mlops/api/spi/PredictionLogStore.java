package io.mlops.api.spi;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Persistence of the prediction log and of ground-truth labels. Values arrive validated; methods
 * are atomic and thread-safe, and safe for several processes sharing the store.
 */
public interface PredictionLogStore {

    /** Appends predictions, all or none. The same request id may appear more than once. */
    void appendPredictions(List<PredictionLogEntry> entries);

    /**
     * Records a label for a model's request id unless one is recorded, atomically.
     *
     * @return empty if this call recorded it, otherwise the label already stored (which may be equal)
     */
    Optional<String> saveLabelIfAbsent(String model, String requestId, String label, long recordedAt);

    /**
     * Streams a version's predictions with {@code from <= loggedAt < toExclusive}, in order of
     * {@code loggedAt} then of appending, each with its label joined, until {@code sink} returns
     * false. Memory stays bounded whatever the window holds.
     */
    void scanPredictions(String model, int version, long from, long toExclusive, Predicate<PredictionLogEntry> sink);

    /**
     * As {@link #scanPredictions}, but only the predictions that have a label: what performance
     * monitoring reads each time, when labels have arrived since. Stores with an index on the
     * labels override this to skip the unlabelled rows.
     */
    default void scanLabelledPredictions(String model, int version, long from, long toExclusive,
            Predicate<PredictionLogEntry> sink) {
        scanPredictions(model, version, from, toExclusive, entry -> entry.label().isEmpty() || sink.test(entry));
    }

    /**
     * Deletes a model's predictions logged before {@code before}, and its labels recorded before
     * {@code before} that no remaining prediction refers to (a newer label may still be waiting
     * for its prediction, which is written asynchronously).
     *
     * @return predictions deleted
     */
    long deletePredictionsBefore(String model, long before);
}
