package io.mlops.api.registry;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named model with its versions numbered 1..n and its aliases.
 *
 * @param name          unique name (see {@link Registry} for the rules)
 * @param description   free text; empty when none
 * @param tags          labels; never null
 * @param aliases       alias name to version number, for example {@code champion -> 3}
 * @param latestVersion the highest version number, 0 before the first version
 * @param creationTime  epoch milliseconds
 * @param lastUpdatedTime epoch milliseconds
 */
public record RegisteredModel(
        String name,
        String description,
        Map<String, String> tags,
        Map<String, Integer> aliases,
        int latestVersion,
        long creationTime,
        long lastUpdatedTime) {

    public RegisteredModel {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
    }

    /** The version an alias points at, if the alias exists. */
    public Optional<Integer> alias(String alias) {
        return Optional.ofNullable(aliases.get(alias));
    }
}
