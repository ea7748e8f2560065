package io.mlops.api.spi.search;

import java.util.List;
import java.util.Objects;

/**
 * One clause of a filter. A run matches only if it has the field and the comparison holds; for a
 * {@link Entity#DATASET} field, if one of its inputs matches.
 *
 * @param field    what is compared
 * @param operator how
 * @param values   one value, or one or more for {@link Operator#IN}: {@code Double} for metrics,
 *                 {@code Long} for numeric attributes, {@code String} otherwise
 */
public record Comparison(Field field, Operator operator, List<Object> values) {
    public Comparison {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one value");
        }
    }

    /** The single value of a comparison other than {@link Operator#IN}. */
    public Object value() {
        return values.get(0);
    }
}
