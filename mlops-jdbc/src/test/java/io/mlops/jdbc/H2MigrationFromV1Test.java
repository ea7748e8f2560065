package io.mlops.jdbc;

import java.util.UUID;

/** Upgrading an H2 database filled at schema version 1. */
class H2MigrationFromV1Test extends MigrationFromV1Kit {

    @Override
    protected String newEmptyDatabaseUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
