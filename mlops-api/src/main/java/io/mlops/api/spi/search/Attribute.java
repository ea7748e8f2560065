package io.mlops.api.spi.search;

import java.util.Arrays;
import java.util.Optional;

/** The run attributes a search may name, with whether they compare as numbers. */
public enum Attribute {
    RUN_ID("run_id", false),
    RUN_NAME("run_name", false),
    STATUS("status", false),
    USER("user", false),
    START_TIME("start_time", true),
    END_TIME("end_time", true);

    private final String key;
    private final boolean numeric;

    Attribute(String key, boolean numeric) {
        this.key = key;
        this.numeric = numeric;
    }

    /** The name used in filters, e.g. {@code run_name}. */
    public String key() {
        return key;
    }

    public boolean numeric() {
        return numeric;
    }

    public static Optional<Attribute> ofKey(String key) {
        return Arrays.stream(values()).filter(a -> a.key.equals(key)).findFirst();
    }
}
