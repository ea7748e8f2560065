package io.mlops.serving;

import io.mlops.api.InvalidArgumentException;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How far a {@link BatchScoring} run has got, reported after each chunk has been scored and
 * written.
 *
 * <pre>{@code
 * BatchScoring.builder(scorer)
 *         .progress(p -> log.info("{} rows, {}", p.rows(), p.fraction().orElse(Double.NaN)))
 *         .build();
 * }</pre>
 *
 * @param rows       rows scored and written so far
 * @param bytesRead  bytes of the input file read so far; the reader reads ahead, so this may run up
 *                   to a buffer's worth (some KB) past the rows done; empty for a query
 * @param inputBytes size of the input file when the run started; empty for a query
 */
public record BatchProgress(long rows, OptionalLong bytesRead, OptionalLong inputBytes) {

    public BatchProgress {
        if (rows < 0) {
            throw new InvalidArgumentException("rows " + rows + " must be at least 0");
        }
        bytesRead = bytesRead == null ? OptionalLong.empty() : bytesRead;
        inputBytes = inputBytes == null ? OptionalLong.empty() : inputBytes;
    }

    /**
     * The share of the input read so far, between 0 and 1; empty for a query, whose size is not
     * known in advance.
     */
    public OptionalDouble fraction() {
        if (bytesRead.isEmpty() || inputBytes.isEmpty()) {
            return OptionalDouble.empty();
        }
        long total = inputBytes.getAsLong();
        return OptionalDouble.of(total <= 0 ? 1.0 : Math.min(1.0, (double) bytesRead.getAsLong() / total));
    }
}
