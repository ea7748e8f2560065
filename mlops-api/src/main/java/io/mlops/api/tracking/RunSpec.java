package io.mlops.api.tracking;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to start a run with.
 *
 * <pre>{@code
 * RunSpec spec = RunSpec.builder("credit-risk")
 *         .name("lr-adagrad")
 *         .tag("team", "retail-risk")
 *         .build();
 * }</pre>
 *
 * @param experimentName experiment to start it in; created if missing
 * @param name           run name; empty for a generated one
 * @param parentRunId    the enclosing run, for nested runs
 * @param tags           initial tags; never null
 */
public record RunSpec(String experimentName, String name, Optional<String> parentRunId, Map<String, String> tags) {

    public RunSpec {
        Objects.requireNonNull(experimentName, "experiment name");
        name = name == null ? "" : name;
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public static Builder builder(String experimentName) {
        return new Builder(experimentName);
    }

    /** Builds a {@link RunSpec}; not thread-safe. */
    public static final class Builder {
        private final String experimentName;
        private String name = "";
        private String parentRunId;
        private final Map<String, String> tags = new LinkedHashMap<>();

        private Builder(String experimentName) {
            this.experimentName = experimentName;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Nests the new run under {@code parentRunId}, which must be in the same experiment. */
        public Builder parent(String parentRunId) {
            this.parentRunId = parentRunId;
            return this;
        }

        public Builder tag(String key, String value) {
            tags.put(key, value);
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags.putAll(tags);
            return this;
        }

        public RunSpec build() {
            return new RunSpec(experimentName, name, Optional.ofNullable(parentRunId), tags);
        }
    }
}
