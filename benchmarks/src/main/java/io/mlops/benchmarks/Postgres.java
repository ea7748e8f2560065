package io.mlops.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The PostgreSQL server the benchmarks run against, and a fresh schema per benchmark. */
final class Postgres {

    static final String URL_VARIABLE = "MLOPS_BENCH_POSTGRES_URL";

    private Postgres() {
    }

    /** {@value #URL_VARIABLE}, else the tests' {@code MLOPS_TEST_POSTGRES_URL}. */
    static String baseUrl() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            url = System.getenv("MLOPS_TEST_POSTGRES_URL");
        }
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("set " + URL_VARIABLE
                    + " to a JDBC URL with user and password, e.g. jdbc:postgresql://127.0.0.1:5432/mlops_test?user=mlops&password=mlops"
                    + " (. .ci/postgres.sh starts a local server and exports MLOPS_TEST_POSTGRES_URL)");
        }
        return url;
    }

    /** Creates an empty schema and returns a URL whose connections use it. */
    static String freshSchema(String prefix) throws SQLException {
        String base = baseUrl();
        String schema = prefix + "_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static void dropSchema(String urlWithSchema) throws SQLException {
        if (Boolean.getBoolean("bench.keepSchema")) {
            System.err.println("keeping " + urlWithSchema + " (bench.keepSchema)");
            return;
        }
        String schema = urlWithSchema.substring(urlWithSchema.lastIndexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(baseUrl()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
