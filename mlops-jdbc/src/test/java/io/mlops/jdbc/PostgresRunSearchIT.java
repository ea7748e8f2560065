package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.RunSearchContract;

/** The run search contract on PostgreSQL; skipped without a server, see {@link PostgresDatabases}. */
class PostgresRunSearchIT extends RunSearchContract {

    @Override
    protected MetadataStore newStore() {
        return PostgresDatabases.newStore();
    }
}
