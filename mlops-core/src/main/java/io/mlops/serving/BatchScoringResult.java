package io.mlops.serving;

import io.mlops.api.registry.ModelVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a finished {@link BatchScoring} run wrote. Everything here is also in the sidecar file.
 *
 * <pre>{@code
 * BatchScoringResult r = batch.scoreCsv(Path.of("clients.csv"), Path.of("scores.csv"));
 * log.info("scored {} rows with {} into {} (sha256 {})", r.rows(), r.model().uri(), r.output(), r.outputSha256());
 * }</pre>
 *
 * @param output       the scored CSV file
 * @param sidecar      the JSON file beside it that records the model version and the run
 *                     ({@code <output>.json})
 * @param model        the model version every row was scored with
 * @param input        the absolute path of the input file, or the SQL text of the query
 * @param columns      the output's columns, in order: the copied input columns, then the prediction
 *                     columns
 * @param rows         data rows written (the header line not counted)
 * @param outputSha256 sha256 of the output file's bytes, lowercase hex
 * @param started      when the run started
 * @param finished     when the output was complete, just before it was moved into place
 */
public record BatchScoringResult(
        Path output,
        Path sidecar,
        ModelVersion model,
        String input,
        List<String> columns,
        long rows,
        String outputSha256,
        Instant started,
        Instant finished) {

    public BatchScoringResult {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(sidecar, "sidecar");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(outputSha256, "outputSha256");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    /** How long the run took, from {@link #started()} to {@link #finished()}. */
    public Duration elapsed() {
        return Duration.between(started, finished);
    }
}
