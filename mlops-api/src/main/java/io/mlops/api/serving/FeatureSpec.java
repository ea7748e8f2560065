package io.mlops.api.serving;

import java.util.Objects;

/**
 * One named value a row gives a scorer, and the kind of value it must be.
 *
 * <pre>{@code
 * for (FeatureSpec f : scorer.features()) {
 *     System.out.println(f.name() + ": " + f.type());   // age: NUMBER, job: STRING, ...
 * }
 * }</pre>
 *
 * @param name the key in a row map
 * @param type what the value must be
 */
public record FeatureSpec(String name, FeatureType type) {

    public FeatureSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** What a feature's value must be. */
    public enum FeatureType {
        /** Any {@link Number}. */
        NUMBER,
        /** A {@link String}. */
        STRING,
        /** A {@link Boolean}. */
        BOOLEAN,
        /** A whole row of numbers under one name: a {@code float[]}, {@code double[]} or list of numbers. */
        NUMBER_VECTOR
    }
}
