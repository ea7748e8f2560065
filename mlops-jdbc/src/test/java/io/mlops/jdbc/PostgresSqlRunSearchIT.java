package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;

/** Injection and differential run search tests on PostgreSQL; see {@link PostgresDatabases}. */
class PostgresSqlRunSearchIT extends SqlRunSearchTests {

    @Override
    MetadataStore newStore() {
        return PostgresDatabases.newStore();
    }
}
