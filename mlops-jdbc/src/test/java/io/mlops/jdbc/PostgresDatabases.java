package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server of the tests, named by the environment variable {@value #URL_VARIABLE}: a
 * JDBC URL with user and password, as {@code .ci/postgres.sh} exports it, for example
 * {@code jdbc:postgresql://127.0.0.1:5432/mlops_test?user=mlops&password=mlops}.
 *
 * <p>When it is unset the PostgreSQL tests are skipped, each with a message saying why, and one
 * WARN line goes to stderr, so a local build without a server is visibly partial. With
 * {@code CI=true} an unset variable fails the tests instead: CI must test against a real server.
 *
 * <p>Isolation: every store gets a schema of its own, dropped when the JVM exits; a test that
 * changes database-wide state (closing the database to connections) gets a database of its own.
 */
final class PostgresDatabases {

    static final String URL_VARIABLE = "MLOPS_TEST_POSTGRES_URL";

    private static final Pattern DATABASE_IN_URL = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(.*)$");
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final Set<String> SCHEMAS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean CLEANUP_REGISTERED = new AtomicBoolean();

    private PostgresDatabases() {
    }

    /**
     * The server's URL; skips the calling test if there is none (fails it under CI).
     * Call it first in a {@code @BeforeAll} or {@code @BeforeEach}.
     */
    static String url() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(URL_VARIABLE + " is not set but CI=true: CI must provide a PostgreSQL server for these"
                        + " tests (source .ci/postgres.sh, which installs, starts and exports it)");
            }
            String message = "PostgreSQL tests skipped: environment variable " + URL_VARIABLE + " is not set"
                    + " (. .ci/postgres.sh starts a local server and exports it)";
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("WARN " + message);
            }
            Assumptions.abort(message);
        }
        if (!DATABASE_IN_URL.matcher(url).matches()) {
            Assertions.fail(URL_VARIABLE + " '" + StoreSettings.mask(url)
                    + "' is not a PostgreSQL JDBC URL of the form jdbc:postgresql://host:port/database?user=…");
        }
        return url;
    }

    /** A fresh, empty store in a schema of its own. */
    static MetadataStore newStore() {
        return JdbcMetadataStore.open(newSchemaUrl(), Map.of());
    }

    /** The URL of a new, empty schema (the store creates its tables on open). */
    static String newSchemaUrl() {
        String base = url();
        String schema = "mlops_it_" + UUID.randomUUID().toString().replace("-", "");
        execute(base, "CREATE SCHEMA " + schema);
        SCHEMAS.add(schema);
        registerCleanup(base);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Creates a database of its own; the caller drops it with {@link #dropDatabase}. */
    static String newDatabase() {
        String name = "mlops_it_" + UUID.randomUUID().toString().replace("-", "");
        execute(maintenanceUrl(), "CREATE DATABASE " + name);
        return name;
    }

    /** Drops a database made by {@link #newDatabase}, ending any session still connected to it. */
    static void dropDatabase(String name) {
        execute(maintenanceUrl(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** The server's URL with another database. */
    static String urlOf(String database) {
        Matcher m = DATABASE_IN_URL.matcher(url());
        if (!m.matches()) {
            throw new IllegalStateException("unreachable: url() checked the form");
        }
        return m.group(1) + database + m.group(3);
    }

    /**
     * The server's maintenance database, {@code postgres}: administrative sessions live there so
     * that closing or terminating a test database never ends them.
     */
    static String maintenanceUrl() {
        return urlOf("postgres");
    }

    private static void execute(String url, String sql) {
        // Names in this class's DDL are generated here, never input, so building it as text is safe.
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + StoreSettings.mask(url), e);
        }
    }

    private static void registerCleanup(String base) {
        if (!CLEANUP_REGISTERED.compareAndSet(false, true)) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (SCHEMAS.isEmpty()) {
                return;
            }
            try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
                // A store a test forgot to close must not hold the JVM's exit.
                s.execute("SET lock_timeout = '5s'");
                // In groups: one statement dropping every schema would need a lock per table of all
                // of them and can exceed the server's lock table.
                List<String> schemas = new ArrayList<>(SCHEMAS);
                for (int i = 0; i < schemas.size(); i += 10) {
                    s.execute("DROP SCHEMA IF EXISTS " + String.join(", ", schemas.subList(i, Math.min(i + 10, schemas.size())))
                            + " CASCADE");
                }
            } catch (SQLException e) {
                System.err.println("WARN could not drop the test schemas " + SCHEMAS + ": " + e.getMessage());
            }
        }, "mlops-it-cleanup"));
    }

    /**
     * Ends every session of {@code database} but the caller's own, from an administrative
     * connection: how the tests make the server go away mid-operation.
     *
     * @return how many sessions were terminated
     */
    static int terminateSessions(Connection admin, String database) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) AS done"
                + " FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()) t WHERE done")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
