package io.mlops.jdbc;

/** Upgrading a PostgreSQL schema filled at schema version 1; skipped without a server, see {@link PostgresDatabases}. */
class PostgresMigrationFromV1IT extends MigrationFromV1Kit {

    @Override
    protected String newEmptyDatabaseUrl() {
        return PostgresDatabases.newSchemaUrl();
    }
}
