package io.mlops.jdbc;

import io.mlops.api.spi.search.Attribute;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.Entity;
import io.mlops.api.spi.search.Field;
import io.mlops.api.spi.search.Operator;
import io.mlops.api.spi.search.OrderKey;
import io.mlops.api.spi.search.RunQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Compiles a {@link RunQuery} into one parameterized statement selecting the ids of a page of runs.
 *
 * <p>Only text from this class enters the SQL: table and column names, and operators chosen from
 * the {@link io.mlops.api.spi.search.Operator} enum. Every key and value of the search, and the
 * paging numbers, are bind parameters. Each clause becomes an {@code EXISTS} on the table holding
 * the entity (so a run lacking the key does not match, and several matching inputs do not repeat
 * a run); each order key becomes a {@code LEFT JOIN} on that table's primary key (so it yields at
 * most one row) sorted {@code NULLS LAST}.
 */
final class RunSearchSql {

    /** The statement and its arguments, in order. */
    record Statement(String sql, List<Object> arguments) {
    }

    // PostgreSQL indexes 256-character prefixes of param and tag values (their full length may
    // exceed a B-tree entry); equality has to be stated on the prefix too for the index to serve.
    private static final int INDEXED_PREFIX = 256;

    /** The join of the first order key when it can drive the query (see {@link #drivingMetric}). */
    private static final String DRIVING_ALIAS = "o0";

    private final Dialect dialect;
    private String drivingMetric;
    private final StringBuilder joins = new StringBuilder();
    private final List<Object> joinArguments = new ArrayList<>();
    private final StringBuilder where = new StringBuilder();
    private final List<Object> whereArguments = new ArrayList<>();

    private RunSearchSql(Dialect dialect) {
        this.dialect = dialect;
    }

    static Statement compile(RunQuery query, Dialect dialect) {
        return new RunSearchSql(dialect).build(query);
    }

    private Statement build(RunQuery query) {
        where.append("r.experiment_id IN (").append(placeholders(query.experimentIds().size())).append(')');
        whereArguments.addAll(query.experimentIds());
        drivingMetric = drivingMetric(query);
        int alias = 0;
        for (Comparison c : query.filter()) {
            where.append(" AND ");
            clause(c, "f" + alias++);
        }
        StringBuilder order = new StringBuilder();
        int joinAlias = 0;
        for (OrderKey key : query.orderBy()) {
            if (joinAlias == 0 && drivingMetric != null) {
                // Every matching run has this metric, so there are no NULLs to place and the
                // (metric_key, metric_value) index can deliver the rows already in order.
                joins.append(" JOIN latest_metrics ").append(DRIVING_ALIAS).append(" ON ").append(DRIVING_ALIAS)
                        .append(".run_id = r.id AND ").append(DRIVING_ALIAS).append(".metric_key = ?");
                joinArguments.add(drivingMetric);
                joinAlias++;
                order.append(DRIVING_ALIAS).append(".metric_value").append(key.ascending() ? " ASC, " : " DESC, ");
                continue;
            }
            String column = orderColumn(key.field(), "o" + joinAlias++);
            order.append(column).append(key.ascending() ? " ASC" : " DESC").append(" NULLS LAST, ");
        }
        order.append("r.start_time DESC, ").append(text("r.id")).append(" ASC");

        List<Object> arguments = new ArrayList<>(joinArguments);
        arguments.addAll(whereArguments);
        arguments.add(query.offset());
        arguments.add(query.limit());
        String sql = "SELECT r.id FROM runs r" + joins + " WHERE " + where + " ORDER BY " + order
                + " OFFSET ? ROWS FETCH FIRST ? ROWS ONLY";
        return new Statement(sql, List.copyOf(arguments));
    }

    /**
     * The metric of the first order key when the filter also constrains that metric, else null.
     * Then only runs having the metric can match, so the order key's join can be an inner join,
     * compared directly, and sorted without NULLS LAST: a plan that walks the metric's
     * (key, value) index in order and stops after a page, whatever the number of runs.
     */
    private static String drivingMetric(RunQuery query) {
        if (query.orderBy().isEmpty() || query.orderBy().get(0).field().entity() != Entity.METRIC) {
            return null;
        }
        Field first = query.orderBy().get(0).field();
        return query.filter().stream().anyMatch(c -> c.field().equals(first)) ? first.key() : null;
    }

    private void clause(Comparison c, String a) {
        Field field = c.field();
        if (field.entity() == Entity.METRIC && field.key().equals(drivingMetric)) {
            comparison(DRIVING_ALIAS + ".metric_value", c, false);
            return;
        }
        switch (field.entity()) {
            case METRIC -> {
                where.append("EXISTS (SELECT 1 FROM latest_metrics ").append(a).append(" WHERE ").append(a)
                        .append(".run_id = r.id AND ").append(a).append(".metric_key = ? AND ");
                whereArguments.add(field.key());
                comparison(a + ".metric_value", c, false);
                where.append(')');
            }
            case PARAM -> keyed("params", "param_key", "param_value", c, a);
            case TAG -> keyed("run_tags", "tag_key", "tag_value", c, a);
            case ATTRIBUTE -> comparison(attributeColumn(field), c, false);
            case DATASET -> {
                where.append("EXISTS (SELECT 1 FROM run_inputs ").append(a).append(" WHERE ").append(a)
                        .append(".run_id = r.id AND ");
                comparison(a + "." + datasetColumn(field.key()), c, false);
                where.append(')');
            }
        }
    }

    private void keyed(String table, String keyColumn, String valueColumn, Comparison c, String a) {
        where.append("EXISTS (SELECT 1 FROM ").append(table).append(' ').append(a).append(" WHERE ").append(a)
                .append(".run_id = r.id AND ").append(a).append('.').append(keyColumn).append(" = ? AND ");
        whereArguments.add(c.field().key());
        comparison(a + "." + valueColumn, c, dialect == Dialect.POSTGRESQL);
        where.append(')');
    }

    /** Appends {@code column <operator> ?} and its arguments. */
    private void comparison(String column, Comparison c, boolean prefixIndexed) {
        switch (c.operator()) {
            case EQ, NE, GT, GE, LT, LE -> {
                if (prefixIndexed && c.operator() == Operator.EQ) {
                    where.append("left(").append(column).append(", ").append(INDEXED_PREFIX).append(") = left(?, ")
                            .append(INDEXED_PREFIX).append(")");
                    whereArguments.add(c.value());
                    if (shorterThanPrefix(c.values())) {
                        // Equal prefixes of a shorter literal mean equal values; a second predicate on
                        // the same column would only make the planner underestimate the matches.
                        return;
                    }
                    where.append(" AND ");
                }
                where.append(column).append(' ').append(sqlOperator(c)).append(" ?");
                whereArguments.add(c.value());
            }
            case LIKE -> {
                where.append(column).append(" LIKE ? ESCAPE '\\'");
                whereArguments.add(c.value());
            }
            case ILIKE -> {
                // Portable: H2 has no ILIKE in its default mode.
                where.append("LOWER(").append(column).append(") LIKE LOWER(?) ESCAPE '\\'");
                whereArguments.add(c.value());
            }
            case IN -> {
                if (prefixIndexed) {
                    where.append("left(").append(column).append(", ").append(INDEXED_PREFIX).append(") IN (")
                            .append(String.join(", ", Collections.nCopies(c.values().size(), "left(?, " + INDEXED_PREFIX + ")")))
                            .append(")");
                    whereArguments.addAll(c.values());
                    if (shorterThanPrefix(c.values())) {
                        return;
                    }
                    where.append(" AND ");
                }
                where.append(column).append(" IN (").append(placeholders(c.values().size())).append(')');
                whereArguments.addAll(c.values());
            }
        }
    }

    /** Whether every value is shorter than the indexed prefix, counted as PostgreSQL counts characters. */
    private static boolean shorterThanPrefix(List<Object> values) {
        return values.stream().allMatch(v -> v instanceof String text && text.codePointCount(0, text.length()) < INDEXED_PREFIX);
    }

    private static String sqlOperator(Comparison c) {
        return switch (c.operator()) {
            case EQ -> "=";
            case NE -> "<>";
            case GT -> ">";
            case GE -> ">=";
            case LT -> "<";
            case LE -> "<=";
            default -> throw new IllegalArgumentException("not a comparison operator: " + c.operator());
        };
    }

    /** Joins the table holding an order key and returns the expression to sort by. */
    private String orderColumn(Field field, String a) {
        return switch (field.entity()) {
            case METRIC -> join("latest_metrics", "metric_key", field.key(), a) + ".metric_value";
            case PARAM -> text(join("params", "param_key", field.key(), a) + ".param_value");
            case TAG -> text(join("run_tags", "tag_key", field.key(), a) + ".tag_value");
            case ATTRIBUTE -> Attribute.ofKey(field.key()).orElseThrow().numeric()
                    ? attributeColumn(field) : text(attributeColumn(field));
            case DATASET -> throw new IllegalArgumentException("runs cannot be ordered by " + field
                    + ": a run may have several data set inputs");
        };
    }

    private String join(String table, String keyColumn, String key, String a) {
        joins.append(" LEFT JOIN ").append(table).append(' ').append(a).append(" ON ").append(a)
                .append(".run_id = r.id AND ").append(a).append('.').append(keyColumn).append(" = ?");
        joinArguments.add(key);
        return a;
    }

    /**
     * A text expression to sort by, in code point order: PostgreSQL's default collation follows the
     * locale, so it is overridden. H2 compares Java strings (UTF-16 units), which is the same order
     * except between characters above U+FFFF and those in U+E000..U+FFFF.
     */
    private String text(String column) {
        return dialect == Dialect.POSTGRESQL ? column + " COLLATE \"C\"" : column;
    }

    private static String attributeColumn(Field field) {
        return switch (Attribute.ofKey(field.key()).orElseThrow()) {
            case RUN_ID -> "r.id";
            case RUN_NAME -> "r.name";
            case STATUS -> "r.status";
            case USER -> "r.user_name";
            case START_TIME -> "r.start_time";
            case END_TIME -> "r.end_time";
        };
    }

    private static String datasetColumn(String key) {
        return switch (key) {
            case "name" -> "dataset_name";
            case "digest" -> "digest";
            case "context" -> "context";
            default -> throw new IllegalArgumentException("unknown data set field '" + key + "'");
        };
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
