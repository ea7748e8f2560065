package io.mlops.api.spi.search;

/** What part of a run a search field names. */
public enum Entity {
    /** The latest value of a metric; numeric. */
    METRIC,
    PARAM,
    TAG,
    /** A column of the run itself; see {@link Attribute}. */
    ATTRIBUTE,
    /** A field of one of the run's data set inputs: {@code name}, {@code digest} or {@code context}. */
    DATASET
}
