package io.mlops.jdbc;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Runs units of work in transactions and turns {@link SQLException}s into the SDK's exceptions,
 * so that the stores contain SQL and mapping only. Thread-safe.
 */
final class Database {

    /** A unit of work on a connection that is in a transaction; the caller commits or rolls back. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Reads one row. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** A typed SQL NULL, since some drivers cannot infer the type of a bare null parameter. */
    record Null(int sqlType) {
        static final Null VARCHAR = new Null(Types.VARCHAR);
        static final Null BIGINT = new Null(Types.BIGINT);
        static final Null DATE = new Null(Types.DATE);
    }

    static final String UNIQUE_VIOLATION = "23505";
    // The standard state of a CHECK violation is 23514 (PostgreSQL); H2 reports 23513.
    private static final Set<String> CHECK_VIOLATION_STATES = Set.of("23513", "23514");
    private static final String VALUE_TOO_LONG = "22001";

    // Transactions that lost to a concurrent writer and are worth repeating as a whole:
    // serialization failure and deadlock (standard / PostgreSQL), lock timeout and concurrent
    // update (H2).
    private static final Set<String> LOST_RACE_STATES = Set.of("40001", "40P01", "HYT00", "90131");
    // PostgreSQL shutting down or starting up, H2 database closed: the server is gone, not the query.
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "90098", "90121");
    private static final int MAX_ATTEMPTS = 5;
    private static final int MAX_DETAIL = 600;

    private final DataSource dataSource;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    Database(DataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    /**
     * Runs {@code work} in one transaction, committing if it returns and rolling back if it throws.
     * A transaction that lost a race (deadlock, lock timeout, serialization failure) is repeated a
     * few times, since it left nothing behind.
     *
     * @param operation what is being done, naming the values involved, for messages
     */
    <T> T inTransaction(String operation, Work<T> work) {
        return run(operation, work, false);
    }

    /**
     * Like {@link #inTransaction} for work whose inserts are idempotent upserts: a unique violation
     * means another writer inserted the same key first, so repeating the work updates that row.
     */
    <T> T upsertTransaction(String operation, Work<T> work) {
        return run(operation, work, true);
    }

    /** Marks the store closed: later calls fail with a message saying so instead of a pool error. */
    void markClosed() {
        closed.set(true);
    }

    boolean isClosed() {
        return closed.get();
    }

    private <T> T run(String operation, Work<T> work, boolean duplicateMeansRetry) {
        for (int attempt = 1; ; attempt++) {
            ensureOpen(operation);
            try (Connection connection = dataSource.getConnection()) {
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollback(connection, e);
                    throw e;
                }
            } catch (SQLException e) {
                boolean lostRace = LOST_RACE_STATES.contains(e.getSQLState())
                        || (duplicateMeansRetry && UNIQUE_VIOLATION.equals(e.getSQLState()));
                if (lostRace && attempt < MAX_ATTEMPTS) {
                    pauseBeforeRetry(operation, attempt, e);
                    continue;
                }
                throw translate(operation, e, lostRace ? attempt : 0);
            }
        }
    }

    private void ensureOpen(String operation) {
        if (closed.get()) {
            throw closedException(operation);
        }
    }

    private MlopsException closedException(String operation) {
        return new MlopsException("cannot " + operation + ": the metadata store " + description
                + " is closed; open a new one with JdbcMetadataStore.open");
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void pauseBeforeRetry(String operation, int attempt, SQLException cause) {
        try {
            // Jittered so that the writers that collided do not collide again in lock step.
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            StoreUnavailableException failure =
                    new StoreUnavailableException("interrupted while retrying to " + operation, e);
            failure.addSuppressed(cause);
            throw failure;
        }
    }

    /** The SDK exception for a failed operation, with the SQL exception as its cause. */
    MlopsException translate(String operation, SQLException e, int attempts) {
        if (closed.get()) {
            MlopsException failure = closedException(operation);
            failure.initCause(e);
            return failure;
        }
        return translate(operation, description, e, attempts);
    }

    /**
     * The SDK exception for a failed operation on the store described by {@code description}.
     *
     * @param attempts how often a lost race was retried, 0 if the failure was not a lost race
     */
    static MlopsException translate(String operation, String description, SQLException e, int attempts) {
        String state = e.getSQLState();
        String detail = abbreviate(e.getMessage()) + " (SQLState " + state + ", vendor code " + e.getErrorCode() + ")";
        if (causedByInterrupt(e)) {
            Thread.currentThread().interrupt();
            return new StoreUnavailableException("interrupted while trying to " + operation + " in " + description, e);
        }
        if (isUnavailable(e)) {
            return new StoreUnavailableException("cannot " + operation + ": the metadata store " + description
                    + " is unavailable: " + detail, e);
        }
        if (attempts > 0) {
            return new ConflictException("cannot " + operation + ": concurrent writers kept conflicting after "
                    + attempts + " attempts: " + detail, e, true);
        }
        if (UNIQUE_VIOLATION.equals(state)) {
            return new AlreadyExistsException("cannot " + operation + ": the key is already taken: " + detail, e);
        }
        if (VALUE_TOO_LONG.equals(state)) {
            return new InvalidArgumentException("cannot " + operation + ": a value is longer than its column allows: "
                    + detail, e);
        }
        return new MlopsException("cannot " + operation + " in " + description + ": " + detail, e);
    }

    /**
     * A driver message cut to a length fit for logs: PostgreSQL's batch errors quote the whole
     * rewritten statement with every bound value (hundreds of kilobytes for a metric batch). The
     * reason is at the end ("... was aborted: FATAL: terminating connection"), so both ends stay.
     */
    static String abbreviate(String message) {
        if (message == null || message.length() <= MAX_DETAIL) {
            return message;
        }
        return message.substring(0, MAX_DETAIL / 2) + " ...(" + (message.length() - MAX_DETAIL) + " characters left out)... "
                + message.substring(message.length() - MAX_DETAIL / 2);
    }

    private static boolean isUnavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    // ---- small JDBC helpers, so that the stores read as SQL plus mapping ----

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** Whether a statement (or any statement of a batch) was refused for a duplicate key. */
    static boolean isUniqueViolation(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (UNIQUE_VIOLATION.equals(current.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a statement was refused by the CHECK constraint {@code constraint}. Both databases
     * name the constraint in the message (H2 in upper case), and PostgreSQL keeps that part of the
     * message even with {@code logServerErrorDetail=false}.
     */
    static boolean isCheckViolation(SQLException e, String constraint) {
        String name = constraint.toLowerCase(Locale.ROOT);
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (CHECK_VIOLATION_STATES.contains(current.getSQLState()) && current.getMessage() != null
                    && current.getMessage().toLowerCase(Locale.ROOT).contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** Runs one statement for each argument row as a JDBC batch. */
    static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    /**
     * Hands the rows to {@code sink} one at a time, fetching {@code fetchSize} rows from the server at
     * once, until it returns false or the rows run out, so memory stays bounded whatever the query
     * returns. PostgreSQL's driver streams only with auto-commit off, as the pool's connections are;
     * otherwise it reads the whole result first.
     */
    static <T> void stream(Connection c, String sql, int fetchSize, RowMapper<T> mapper, Predicate<? super T> sink,
            Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(fetchSize);
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!sink.test(mapper.map(rs))) {
                        return;
                    }
                }
            }
        }
    }

    static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        List<T> rows = query(c, sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        return queryOne(c, sql, rs -> Boolean.TRUE, args).isPresent();
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                throw new IllegalArgumentException("SQL argument " + (i + 1) + " is null; use Database.Null");
            } else if (a instanceof Null n) {
                ps.setNull(i + 1, n.sqlType());
            } else if (a instanceof String s) {
                ps.setString(i + 1, s);
            } else if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Double d) {
                ps.setDouble(i + 1, d);
            } else if (a instanceof LocalDate d) {
                ps.setObject(i + 1, d);
            } else {
                throw new IllegalArgumentException("unsupported SQL argument type " + a.getClass().getName());
            }
        }
    }
}
