package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.governance.AuditEntry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JDBC store's own governance behaviour on PostgreSQL, plus the triggers that make the audit
 * log append-only there; skipped without a server, see {@link PostgresDatabases}.
 */
class PostgresJdbcGovernanceIT extends JdbcGovernanceKit {

    @Override
    protected String newDatabaseUrl() {
        return PostgresDatabases.newSchemaUrl();
    }

    @Test
    void auditLog_refusesUpdateDeleteAndTruncateByRawSql_withTheAppendOnlyMessage() throws SQLException {
        String url = newDatabaseUrl();
        JdbcMetadataStore store = open(url);
        List<AuditEntry> sealed = List.of(store.appendAudit(audit("root", "note-1")), store.appendAudit(audit("root", "note-2")));
        Map<String, String> attempts = Map.of(
                "UPDATE", "UPDATE audit_log SET summary = '{\"forged\":true}' WHERE seq = 1",
                "DELETE", "DELETE FROM audit_log WHERE seq = 2",
                "TRUNCATE", "TRUNCATE audit_log");

        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            attempts.forEach((operation, sql) -> assertThatThrownBy(() -> s.execute(sql))
                    .as(operation)
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getMessage()).contains("the audit log is append-only")
                                .contains(operation + " on audit_log is not allowed");
                        assertThat(e.getSQLState()).isEqualTo("23001");
                    }));
        }

        assertThat(store.readAudit(1, 10)).isEqualTo(sealed);
    }

    @Test
    void auditLog_tamperedWithTheTriggersDisabled_isReadBackAsTampered() throws SQLException {
        String url = newDatabaseUrl();
        JdbcMetadataStore store = open(url);
        AuditEntry first = store.appendAudit(audit("root", "note-1"));
        AuditEntry second = store.appendAudit(audit("root", "note-2"));

        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_row");
            assertThat(s.executeUpdate("UPDATE audit_log SET summary = '{\"forged\":true}' WHERE seq = 1")).isEqualTo(1);
            assertThat(s.executeUpdate("DELETE FROM audit_log WHERE seq = 2")).isEqualTo(1);
            s.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only_row");
        }

        // Reads show the table as it is, so verification can see the change; the head still
        // remembers entry 2, so the next append leaves the gap where it was.
        assertThat(store.readAudit(1, 10)).extracting(AuditEntry::summary).containsExactly("{\"forged\":true}");
        assertThat(store.readAudit(1, 10).get(0).hash()).isEqualTo(first.hash());
        AuditEntry third = store.appendAudit(audit("root", "note-3"));
        assertThat(third.seq()).isEqualTo(3);
        assertThat(third.previousHash()).isEqualTo(second.hash());
        assertThat(store.readAudit(1, 10)).extracting(AuditEntry::seq).containsExactly(1L, 3L);
    }
}
