package io.mlops.api.tracking;

import java.util.Map;
import java.util.Objects;

/**
 * A named group of runs, for example all attempts at one credit-risk model.
 *
 * @param id           opaque identifier, unique in the store
 * @param name         unique, human-readable name
 * @param tags         free-form key/value labels; never null
 * @param creationTime epoch milliseconds
 */
public record Experiment(String id, String name, Map<String, String> tags, long creationTime) {
    public Experiment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
