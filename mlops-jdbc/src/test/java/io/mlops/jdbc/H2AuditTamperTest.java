package io.mlops.jdbc;

import java.util.UUID;

/**
 * Tampering with the audit log of an in-memory H2 database, a fresh one per test. H2 has no
 * triggers guarding the table: the hash chain alone shows the tampering.
 */
class H2AuditTamperTest extends AuditTamperKit {

    @Override
    protected String newDatabaseUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
