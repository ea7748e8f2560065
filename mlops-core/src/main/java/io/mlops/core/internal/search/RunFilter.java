package io.mlops.core.internal.search;

import io.mlops.api.spi.search.Attribute;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.Field;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Run;
import java.util.List;
import java.util.function.Predicate;

/**
 * Evaluates a checked filter on a {@link Run} in memory, with exactly the semantics documented on
 * {@link io.mlops.api.spi.search.Comparison} and {@link io.mlops.api.tracking.RunSearch}. It serves
 * the in-memory store and is the reference the SQL stores are tested against. Thread-safe.
 */
public final class RunFilter {

    private RunFilter() {
    }

    /** A predicate true for runs matching every comparison (all runs for an empty filter). */
    public static Predicate<Run> of(List<Comparison> filter) {
        List<Comparison> clauses = List.copyOf(filter);
        return run -> clauses.stream().allMatch(c -> matches(run, c));
    }

    static boolean matches(Run run, Comparison c) {
        Field field = c.field();
        return switch (field.entity()) {
            case METRIC -> run.metric(field.key()).map(v -> compare(v, c)).orElse(false);
            case PARAM -> matchesString(run.params().get(field.key()), c);
            case TAG -> matchesString(run.tags().get(field.key()), c);
            case ATTRIBUTE -> matchesAttribute(run, c);
            case DATASET -> run.inputs().stream().anyMatch(input -> matchesString(datasetField(input, field.key()), c));
        };
    }

    private static boolean matchesAttribute(Run run, Comparison c) {
        Attribute attribute = Attribute.ofKey(c.field().key()).orElseThrow();
        return switch (attribute) {
            case RUN_ID -> matchesString(run.id(), c);
            case RUN_NAME -> matchesString(run.name(), c);
            case STATUS -> matchesString(run.status().name(), c);
            case USER -> matchesString(run.user(), c);
            case START_TIME -> compare(run.startTime(), c);
            case END_TIME -> run.endTime().isPresent() && compare(run.endTime().getAsLong(), c);
        };
    }

    static String datasetField(DatasetInput input, String key) {
        return switch (key) {
            case "name" -> input.dataset().name();
            case "digest" -> input.dataset().digest();
            case "context" -> input.context();
            default -> throw new IllegalArgumentException("unknown data set field '" + key + "'");
        };
    }

    // Primitive comparisons, as SQL does: -0.0 equals 0.0 (Double.compare would order them).
    private static boolean compare(double actual, Comparison c) {
        double expected = ((Number) c.value()).doubleValue();
        return holds(c, actual < expected ? -1 : actual > expected ? 1 : 0);
    }

    private static boolean compare(long actual, Comparison c) {
        return holds(c, Long.compare(actual, ((Number) c.value()).longValue()));
    }

    /** Whether a numeric comparison holds, given the sign of actual minus expected. */
    private static boolean holds(Comparison c, int sign) {
        return switch (c.operator()) {
            case EQ -> sign == 0;
            case NE -> sign != 0;
            case GT -> sign > 0;
            case GE -> sign >= 0;
            case LT -> sign < 0;
            case LE -> sign <= 0;
            default -> throw new IllegalArgumentException(c.operator() + " does not apply to numbers: " + c);
        };
    }

    private static boolean matchesString(String actual, Comparison c) {
        if (actual == null) {
            return false;
        }
        return switch (c.operator()) {
            case EQ -> actual.equals(c.value());
            case NE -> !actual.equals(c.value());
            case LIKE -> LikePattern.matches(actual, (String) c.value(), false);
            case ILIKE -> LikePattern.matches(actual, (String) c.value(), true);
            case IN -> c.values().contains(actual);
            default -> throw new IllegalArgumentException(c.operator() + " does not apply to strings: " + c);
        };
    }
}
