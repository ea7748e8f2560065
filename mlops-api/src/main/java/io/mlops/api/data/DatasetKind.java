package io.mlops.api.data;

/** What a dataset version was made from. */
public enum DatasetKind {
    /** One file. */
    FILE,
    /** A folder of files, taken whole. */
    FOLDER,
    /** The rows a JDBC query returned, stored as canonical CSV. */
    QUERY
}
