package io.mlops.api.spi.search;

import java.util.Objects;

/**
 * A field of a run named in a search, such as {@code metrics.auc} or {@code attributes.status}.
 *
 * @param entity the part of the run
 * @param key    the metric, param or tag key; the {@link Attribute#key()} for attributes; {@code name},
 *               {@code digest} or {@code context} for datasets
 */
public record Field(Entity entity, String key) {
    public Field {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(key, "key");
    }

    /** Whether values of this field compare as numbers (metrics, start and end time). */
    public boolean numeric() {
        return entity == Entity.METRIC
                || entity == Entity.ATTRIBUTE && Attribute.ofKey(key).map(Attribute::numeric).orElse(false);
    }

    @Override
    public String toString() {
        return entity.prefix() + ".`" + key + "`";
    }
}
