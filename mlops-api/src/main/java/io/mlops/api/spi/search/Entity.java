package io.mlops.api.spi.search;

/** What part of a run a search field names. */
public enum Entity {
    /** The latest value of a metric; numeric. */
    METRIC("metrics"),
    PARAM("params"),
    TAG("tags"),
    /** A column of the run itself; see {@link Attribute}. */
    ATTRIBUTE("attributes"),
    /** A field of one of the run's data set inputs: {@code name}, {@code digest} or {@code context}. */
    DATASET("datasets");

    private final String prefix;

    Entity(String prefix) {
        this.prefix = prefix;
    }

    /** How filters name the entity, for example {@code metrics} in {@code metrics.auc}. */
    public String prefix() {
        return prefix;
    }
}
