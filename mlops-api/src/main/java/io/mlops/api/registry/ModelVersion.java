package io.mlops.api.registry;

import io.mlops.api.ModelUri;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable version of a registered model: the artifact a run produced, pinned by its sha256.
 *
 * @param name          the registered model's name
 * @param version       1..n within the model
 * @param runId         the run that produced it; empty when registered without a run
 * @param artifactKey   the artifact store key of the model file
 * @param sha256        digest of the artifact when registered; loading checks the bytes against it
 * @param sizeBytes     artifact length
 * @param flavor        how to load it, for example {@code onnx}
 * @param signature     inputs and outputs
 * @param description   free text; empty when none
 * @param tags          labels; never null
 * @param status        approval state
 * @param createdBy     the principal that registered it
 * @param creationTime  epoch milliseconds
 */
public record ModelVersion(
        String name,
        int version,
        String runId,
        String artifactKey,
        String sha256,
        long sizeBytes,
        String flavor,
        ModelSignature signature,
        String description,
        Map<String, String> tags,
        ModelVersionStatus status,
        String createdBy,
        long creationTime) {

    public ModelVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(artifactKey, "artifactKey");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(flavor, "flavor");
        runId = runId == null ? "" : runId;
        signature = signature == null ? ModelSignature.EMPTY : signature;
        description = description == null ? "" : description;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        status = status == null ? ModelVersionStatus.NEW : status;
        createdBy = createdBy == null ? "" : createdBy;
    }

    /** {@code models:/<name>/<version>}. */
    public ModelUri uri() {
        return ModelUri.ofVersion(name, version);
    }
}
