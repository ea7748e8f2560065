package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.RegistryStoreContract;

/** The registry contract on PostgreSQL; skipped without a server, see {@link PostgresDatabases}. */
class PostgresRegistryStoreIT extends RegistryStoreContract {

    @Override
    protected MetadataStore newStore() {
        return PostgresDatabases.newStore();
    }
}
