package io.mlops.api.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to register as a new model version.
 *
 * <pre>{@code
 * ModelVersion v = registry.createVersion(NewModelVersion.builder("credit-risk", modelObject.key())
 *         .runId(run.id())
 *         .description("LR on 2024 data")
 *         .build());
 * }</pre>
 *
 * @param modelName   the registered model; created if it does not exist
 * @param artifactKey key of the model file in the artifact store; must exist
 * @param runId       the producing run; empty if none
 * @param flavor      loader to use; empty to take it from the file name ({@code .onnx})
 * @param signature   inputs/outputs; empty to read them from the model file through its flavor
 * @param description free text
 * @param tags        labels
 */
public record NewModelVersion(
        String modelName,
        String artifactKey,
        Optional<String> runId,
        Optional<String> flavor,
        Optional<ModelSignature> signature,
        String description,
        Map<String, String> tags) {

    public NewModelVersion {
        Objects.requireNonNull(modelName, "model name");
        Objects.requireNonNull(artifactKey, "artifact key");
        runId = runId == null ? Optional.empty() : runId;
        flavor = flavor == null ? Optional.empty() : flavor;
        signature = signature == null ? Optional.empty() : signature;
        description = description == null ? "" : description;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public static Builder builder(String modelName, String artifactKey) {
        return new Builder(modelName, artifactKey);
    }

    /** Builds a {@link NewModelVersion}; not thread-safe. */
    public static final class Builder {
        private final String modelName;
        private final String artifactKey;
        private String runId;
        private String flavor;
        private ModelSignature signature;
        private String description = "";
        private final Map<String, String> tags = new LinkedHashMap<>();

        private Builder(String modelName, String artifactKey) {
            this.modelName = modelName;
            this.artifactKey = artifactKey;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        public Builder flavor(String flavor) {
            this.flavor = flavor;
            return this;
        }

        public Builder signature(ModelSignature signature) {
            this.signature = signature;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder tag(String key, String value) {
            tags.put(key, value);
            return this;
        }

        public NewModelVersion build() {
            return new NewModelVersion(modelName, artifactKey, Optional.ofNullable(runId),
                    Optional.ofNullable(flavor), Optional.ofNullable(signature), description, tags);
        }
    }
}
