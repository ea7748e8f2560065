package io.mlops.jdbc;

/** The JDBC store's own behaviour on PostgreSQL; skipped without a server, see {@link PostgresDatabases}. */
class PostgresJdbcMetadataStoreIT extends JdbcStoreKit {

    @Override
    protected String newDatabaseUrl() {
        return PostgresDatabases.newSchemaUrl();
    }
}
