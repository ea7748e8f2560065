package io.mlops.core.internal.serving.batch;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.FeatureSpec.FeatureType;
import java.math.BigDecimal;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns input cells into the values a scorer takes, by the feature's declared type. Strict on
 * purpose: a lenient parse (Java's own accepts {@code 1d}, {@code 0x1p3}, {@code Infinity}) would
 * score a different customer than the file describes.
 */
final class CellValues {

    /** Plain decimal or scientific notation, nothing else. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    static final String NUMBER_RULE = "a decimal number such as 41, -0.5 or 1.2e3, or an empty cell (or NaN)"
            + " for a missing value";
    static final String BOOLEAN_RULE = "true or false (any case)";

    private CellValues() {
    }

    /**
     * A CSV cell as the feature's type.
     *
     * @param where the input, row and column, built only when the cell is refused
     */
    static Object fromText(String text, FeatureSpec feature, Supplier<String> where) {
        return switch (feature.type()) {
            case STRING -> text;
            case NUMBER -> number(text, feature, where);
            case BOOLEAN -> bool(text, feature, where);
            case NUMBER_VECTOR -> throw new IllegalStateException("vector feature '" + feature.name()
                    + "' should have been refused before reading");
        };
    }

    /**
     * A JDBC column value as the feature's type: numbers and booleans as the driver gives them,
     * text parsed as in a CSV cell, SQL NULL as NaN for a number and refused otherwise.
     */
    static Object fromJdbc(Object value, FeatureSpec feature, Supplier<String> where) {
        FeatureType type = feature.type();
        if (value instanceof String || value instanceof Character) {
            return fromText(value.toString(), feature, where);
        }
        switch (type) {
            case NUMBER -> {
                if (value == null) {
                    return Double.NaN;
                }
                if (value instanceof Number) {
                    return value;
                }
            }
            case BOOLEAN -> {
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof Number n && isZeroOrOne(n)) {
                    return n.intValue() == 1;
                }
            }
            case STRING -> {
                // falls through to the refusal: a number's text form is driver-dependent (1 vs 1.0)
            }
            case NUMBER_VECTOR -> throw new IllegalStateException("vector feature '" + feature.name()
                    + "' should have been refused before reading");
            default -> throw new IllegalStateException("unexpected feature type " + type);
        }
        String given = value == null ? "NULL" : describe(value) + " (a " + value.getClass().getSimpleName() + ")";
        String fix = switch (type) {
            case NUMBER -> "a number; CAST the column to a numeric type in the query";
            case BOOLEAN -> "a boolean (or 0/1, or the text true/false); CAST the column in the query";
            default -> value == null
                    ? "a string; replace NULL in the query, for example COALESCE(column, '')"
                    : "a string; CAST the column to VARCHAR in the query";
        };
        throw new InvalidArgumentException(where.get() + ": " + given + " is not valid for feature '"
                + feature.name() + "' (" + type + "), which needs " + fix);
    }

    private static Object number(String text, FeatureSpec feature, Supplier<String> where) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("nan")) {
            // The scorer's NaN policy decides whether a missing value may be scored.
            return Double.NaN;
        }
        if (DECIMAL.matcher(trimmed).matches()) {
            double d = Double.parseDouble(trimmed);
            if (!Double.isInfinite(d)) {
                return d;
            }
        }
        throw refused(text, feature, where, NUMBER_RULE);
    }

    private static Object bool(String text, FeatureSpec feature, Supplier<String> where) {
        String trimmed = text.strip();
        if (trimmed.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (trimmed.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw refused(text, feature, where, BOOLEAN_RULE);
    }

    private static InvalidArgumentException refused(String text, FeatureSpec feature, Supplier<String> where,
            String rule) {
        return new InvalidArgumentException(where.get() + ": " + describe(text) + " is not valid for feature '"
                + feature.name() + "' (" + feature.type() + "), which needs " + rule);
    }

    private static boolean isZeroOrOne(Number n) {
        if (n instanceof BigDecimal b) {
            return b.compareTo(BigDecimal.ZERO) == 0 || b.compareTo(BigDecimal.ONE) == 0;
        }
        double d = n.doubleValue();
        return d == 0.0 || d == 1.0;
    }

    /** A value quoted and shortened for a message. */
    static String describe(Object value) {
        String text = String.valueOf(value);
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        return value instanceof CharSequence ? "\"" + text + "\"" : text;
    }
}
