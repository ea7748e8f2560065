package io.mlops.api.spi.search;

import java.util.Objects;

/**
 * One key of a search's order. Runs lacking the field come after all that have it, in either
 * direction.
 */
public record OrderKey(Field field, boolean ascending) {
    public OrderKey {
        Objects.requireNonNull(field, "field");
    }
}
