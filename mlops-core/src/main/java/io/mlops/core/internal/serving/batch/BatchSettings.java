package io.mlops.core.internal.serving.batch;

import io.mlops.api.serving.Scorer;
import io.mlops.serving.BatchProgress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The frozen, validated configuration of one {@link io.mlops.serving.BatchScoring}; the public
 * builder checks every rule before creating it.
 *
 * @param scorer      the model every row is scored with
 * @param chunkRows   rows read, scored and written per step; at least 1
 * @param separator   column separator of CSV input
 * @param copyColumns input columns copied into the output, in this order; {@code null} copies all
 * @param progress    called after each chunk on the calling thread
 * @param overwrite   whether an existing output (and sidecar) may be replaced
 * @param clock       source of the sidecar's timestamps
 */
public record BatchSettings(
        Scorer scorer,
        int chunkRows,
        char separator,
        List<String> copyColumns,
        Consumer<? super BatchProgress> progress,
        boolean overwrite,
        Clock clock) {

    public BatchSettings {
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(clock, "clock");
        copyColumns = copyColumns == null ? null : List.copyOf(copyColumns);
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows " + chunkRows + " must be at least 1");
        }
    }

    /** Whether every input column is copied into the output. */
    public boolean copyAll() {
        return copyColumns == null;
    }
}
