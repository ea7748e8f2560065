package io.mlops.tribuo;

import io.mlops.api.artifact.StoredObject;
import io.mlops.api.tracking.Dataset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TribuoModels#log} wrote to the run, exactly as stored (keys sanitized, long values
 * cut), so a caller can show or assert it without reading the run back.
 *
 * <pre>{@code
 * LoggedTribuoModel logged = TribuoModels.log(run, model, evaluation);
 * String seed = logged.params().get("trainer.seed");
 * if (logged.dataset().isEmpty()) {
 *     // the training data left no content hash in the provenance: pin it yourself
 *     run.logDataset("bank-marketing", Path.of("data/bank.csv"), "training");
 * }
 * }</pre>
 *
 * @param params             the parameters logged: {@code trainer.*} from the trainer's provenance
 *                           and {@code tribuo.version}
 * @param dataset            the training data logged as run input in context {@code training};
 *                           empty when the provenance records no content hash for it, in which case
 *                           no input was logged
 * @param metrics            the metrics logged at step 0; empty when none were given
 * @param provenanceArtifact the full provenance as JSON, at {@value TribuoModels#PROVENANCE_ARTIFACT}
 */
public record LoggedTribuoModel(
        Map<String, String> params,
        Optional<Dataset> dataset,
        Map<String, Double> metrics,
        StoredObject provenanceArtifact) {

    /** Copies the maps, keeping their order, and rejects nulls. */
    public LoggedTribuoModel {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        dataset = Objects.requireNonNull(dataset, "dataset");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        Objects.requireNonNull(provenanceArtifact, "provenanceArtifact");
    }
}
