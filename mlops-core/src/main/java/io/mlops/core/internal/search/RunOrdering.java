package io.mlops.core.internal.search;

import io.mlops.api.spi.search.Attribute;
import io.mlops.api.spi.search.Field;
import io.mlops.api.spi.search.OrderKey;
import io.mlops.api.tracking.Run;
import java.util.Comparator;
import java.util.List;

/**
 * The order of a run search as a {@link Comparator}: the order keys, runs lacking a key after all
 * that have it in either direction, then start time descending and run id ascending, so that the
 * order is total. Numbers compare numerically (-0.0 equal to 0.0, as in SQL), strings by Unicode
 * code point (PostgreSQL's {@code COLLATE "C"}). Thread-safe.
 */
public final class RunOrdering {

    private static final Comparator<Run> TIE_BREAK = Comparator.comparingLong(Run::startTime).reversed()
            .thenComparing(Run::id, RunOrdering::compareCodePoints);

    private RunOrdering() {
    }

    public static Comparator<Run> of(List<OrderKey> keys) {
        Comparator<Run> order = (a, b) -> 0;
        for (OrderKey key : keys) {
            order = order.thenComparing(byKey(key));
        }
        return order.thenComparing(TIE_BREAK);
    }

    private static Comparator<Run> byKey(OrderKey key) {
        return (a, b) -> {
            Object x = value(a, key.field());
            Object y = value(b, key.field());
            if (x == null || y == null) {
                // Missing values last whatever the direction, hence outside the reversal below.
                return x == null ? (y == null ? 0 : 1) : -1;
            }
            int c = x instanceof String s ? compareCodePoints(s, (String) y) : compareNumbers((Number) x, (Number) y);
            return key.ascending() ? c : -c;
        };
    }

    private static int compareNumbers(Number x, Number y) {
        if (x instanceof Long l) {
            return Long.compare(l, y.longValue());
        }
        // Adding 0.0 turns -0.0 into 0.0, which SQL considers equal.
        return Double.compare(x.doubleValue() + 0.0, y.doubleValue() + 0.0);
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static Object value(Run run, Field field) {
        return switch (field.entity()) {
            case METRIC -> run.metric(field.key()).orElse(null);
            case PARAM -> run.params().get(field.key());
            case TAG -> run.tags().get(field.key());
            case ATTRIBUTE -> switch (Attribute.ofKey(field.key()).orElseThrow()) {
                case RUN_ID -> run.id();
                case RUN_NAME -> run.name();
                case STATUS -> run.status().name();
                case USER -> run.user();
                case START_TIME -> run.startTime();
                case END_TIME -> run.endTime().isPresent() ? run.endTime().getAsLong() : null;
            };
            case DATASET -> throw new IllegalArgumentException("runs cannot be ordered by " + field
                    + ": a run may have several data set inputs");
        };
    }
}
