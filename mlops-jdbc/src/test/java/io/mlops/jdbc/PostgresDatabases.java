package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * Fresh, empty stores on a PostgreSQL server named by the system property
 * {@value #URL_PROPERTY} (for example {@code -Dmlops.it.postgresUrl=jdbc:postgresql://localhost/mlops?user=mlops}).
 * Each store gets a schema of its own, so tests never see each other's rows.
 */
final class PostgresDatabases {

    static final String URL_PROPERTY = "mlops.it.postgresUrl";

    private PostgresDatabases() {
    }

    static MetadataStore newStore() {
        String base = System.getProperty(URL_PROPERTY);
        String schema = "mlops_it_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            // The name is generated above, not input, so building the DDL as text is safe.
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema + " on " + StoreSettings.mask(base), e);
        }
        return JdbcMetadataStore.open(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, Map.of());
    }
}
