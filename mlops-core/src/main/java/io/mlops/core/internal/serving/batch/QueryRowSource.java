package io.mlops.core.internal.serving.batch;

import io.mlops.api.MlopsException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.serving.FeatureSpec;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

/**
 * The rows of an open forward-only result set. Each column of a row is fetched at most once (some
 * drivers refuse a second read of a streamed column) and only if a feature or the output needs it.
 * Closing it does not close the result set: its owner does.
 */
final class QueryRowSource implements RowSource {
    private static final Object UNREAD = new Object();

    private final ResultSet resultSet;
    private final String sql;
    private final List<String> columns;
    private final Object[] values;
    private long row;

    private QueryRowSource(ResultSet resultSet, String sql, List<String> columns) {
        this.resultSet = resultSet;
        this.sql = sql;
        this.columns = columns;
        this.values = new Object[columns.size()];
    }

    static QueryRowSource of(ResultSet resultSet, String sql) {
        try {
            ResultSetMetaData meta = resultSet.getMetaData();
            List<String> columns = new ArrayList<>(meta.getColumnCount());
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
            }
            return new QueryRowSource(resultSet, sql, List.copyOf(columns));
        } catch (SQLException e) {
            throw failed("read the columns of", sql, e);
        }
    }

    @Override
    public String describe() {
        return "query '" + abbreviate(sql) + "'";
    }

    @Override
    public String input() {
        return sql;
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public boolean caseInsensitiveNames() {
        return true;
    }

    @Override
    public String missingColumnsHint() {
        return "name them in the SELECT list, with AS for a different name";
    }

    @Override
    public boolean next() {
        try {
            if (!resultSet.next()) {
                return false;
            }
        } catch (SQLException e) {
            throw failed("read row " + (row + 1) + " of", sql, e);
        }
        row++;
        java.util.Arrays.fill(values, UNREAD);
        return true;
    }

    @Override
    public long position() {
        return row;
    }

    @Override
    public String describePosition(long position) {
        return "row " + position;
    }

    @Override
    public String describeRange(long first, long last) {
        return "rows " + first + " to " + last;
    }

    @Override
    public Object feature(int column, FeatureSpec feature) {
        return CellValues.fromJdbc(value(column), feature, () -> "cannot score " + describe() + ": row " + row
                + ", column " + (column + 1) + " '" + columns.get(column) + "'");
    }

    @Override
    public String text(int column) {
        Object value = value(column);
        try {
            if (value == null) {
                return "";
            } else if (value instanceof BigDecimal d) {
                return d.toPlainString();
            } else if (value instanceof byte[] bytes) {
                return Base64.getEncoder().encodeToString(bytes);
            } else if (value instanceof Clob clob) {
                return clob.getSubString(1, Math.toIntExact(clob.length()));
            } else if (value instanceof Blob blob) {
                return Base64.getEncoder().encodeToString(blob.getBytes(1, Math.toIntExact(blob.length())));
            }
        } catch (SQLException e) {
            throw failed("read column '" + columns.get(column) + "' of row " + row + " of", sql, e);
        }
        return value.toString();
    }

    private Object value(int column) {
        Object value = values[column];
        if (value == UNREAD) {
            try {
                value = resultSet.getObject(column + 1);
            } catch (SQLException e) {
                throw failed("read column '" + columns.get(column) + "' of row " + row + " of", sql, e);
            }
            values[column] = value;
        }
        return value;
    }

    @Override
    public OptionalLong bytesRead() {
        return OptionalLong.empty();
    }

    @Override
    public OptionalLong inputBytes() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        // The result set belongs to the statement its caller opened and closes.
    }

    static MlopsException failed(String action, String sql, SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || state != null && state.startsWith("08")) {
            // Connection-class failures: the same query may well succeed once the database is back.
            return new StoreUnavailableException("cannot " + action + " query '" + abbreviate(sql) + "': "
                    + e.getMessage() + " (SQLState " + state + ")", e);
        }
        return new MlopsException("cannot " + action + " query '" + abbreviate(sql) + "': " + e.getMessage()
                + " (SQLState " + e.getSQLState() + ")", e);
    }

    static String abbreviate(String sql) {
        String flat = sql.strip().replaceAll("\\s+", " ");
        return flat.length() <= 120 ? flat : flat.substring(0, 117) + "...";
    }
}
