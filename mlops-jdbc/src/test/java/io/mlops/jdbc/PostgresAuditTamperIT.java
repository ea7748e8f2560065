package io.mlops.jdbc;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Tampering with the audit log on PostgreSQL, a schema of its own per test; skipped without a
 * server, see {@link PostgresDatabases}. The tamperer is the table's owner and switches the
 * append-only triggers off first (that they refuse UPDATE, DELETE and TRUNCATE while on is
 * {@link PostgresJdbcGovernanceIT}'s business), then on again to cover their tracks.
 */
class PostgresAuditTamperIT extends AuditTamperKit {

    @Override
    protected String newDatabaseUrl() {
        return PostgresDatabases.newSchemaUrl();
    }

    @Override
    protected void disableAppendOnlyProtection(Statement s) throws SQLException {
        s.execute("ALTER TABLE audit_log DISABLE TRIGGER USER");
    }

    @Override
    protected void enableAppendOnlyProtection(Statement s) throws SQLException {
        s.execute("ALTER TABLE audit_log ENABLE TRIGGER USER");
    }
}
