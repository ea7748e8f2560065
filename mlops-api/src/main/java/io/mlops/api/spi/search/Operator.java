package io.mlops.api.spi.search;

/** Comparison operators of the filter language. */
public enum Operator {
    EQ("="),
    NE("!="),
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    /** Case-sensitive pattern with {@code %} and {@code _}. */
    LIKE("LIKE"),
    /** Case-insensitive pattern with {@code %} and {@code _}. */
    ILIKE("ILIKE"),
    /** Equal to one of a list. */
    IN("IN");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
