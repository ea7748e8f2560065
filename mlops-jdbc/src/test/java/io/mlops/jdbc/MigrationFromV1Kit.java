package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.PermissionDeniedException;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.registry.DataType;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.registry.RegisteredModel;
import io.mlops.api.registry.TensorSpec;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.StatusChange;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetColumn;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Upgrading a database that schema version 1 created and filled: opening the store migrates it to
 * the latest version, and everything version 1 held is still there and readable through the SPI.
 * The rows come from {@code db/fixtures/v1_filled.sql}, raw SQL that no later code rewrites.
 */
abstract class MigrationFromV1Kit {

    private static final String FIXTURE = "/db/fixtures/v1_filled.sql";
    private static final long T = 1_700_000_000_000L;

    /** The URL of a new, empty database (or schema) that no store has opened yet. */
    protected abstract String newEmptyDatabaseUrl();

    @Test
    void open_databaseFilledAtVersion1_migratesToLatestAndKeepsEveryRow() throws Exception {
        String url = newEmptyDatabaseUrl();
        migrateToVersion1(url);
        runFixture(url);

        try (MetadataStore store = JdbcMetadataStore.open(url)) {
            assertThat(schemaVersions(url)).contains("1", "2", "6").hasSizeGreaterThan(2);

            Experiment creditRisk = new Experiment("e1", "credit-risk", Map.of("team", "risk"), T);
            assertThat(store.findExperimentByName("credit-risk")).contains(creditRisk);
            assertThat(store.listExperiments()).containsExactly(creditRisk, new Experiment("e2", "churn", Map.of(), T + 1_000));

            Metric loss0 = new Metric("loss", 0.9, 0, T + 12_000);
            Metric loss1 = new Metric("loss", 0.5, 1, T + 13_000);
            Metric auc = new Metric("auc", 0.81, 1, T + 13_000);
            Dataset bank = Dataset.builder("bank-marketing", "sha256:abc").source("file:/data/bank.csv").rowCount(41_188)
                    .schema(List.of(new DatasetColumn("age", "integer"), new DatasetColumn("job", "string"))).build();
            Dataset holdout = Dataset.builder("holdout", "sha256:def").build();
            Run baseline = new Run("r1", "e1", "baseline", Optional.empty(), RunStatus.FINISHED, T + 10_000,
                    OptionalLong.of(T + 20_000), "alice", Map.of("trainer", "lr", "learning_rate", "0.1"),
                    Map.of("origin", "notebook"), Map.of("loss", loss1, "auc", auc),
                    List.of(new DatasetInput(bank, "training"), new DatasetInput(holdout, "test")));
            Run fold = new Run("r2", "e1", "fold-1", Optional.of("r1"), RunStatus.RUNNING, T + 11_000,
                    OptionalLong.empty(), "bob", Map.of(), Map.of("mlops.parent", "r1"), Map.of(), List.of());
            assertThat(store.findRun("r1")).contains(baseline);
            assertThat(store.listRuns("e1")).containsExactly(fold, baseline);
            // Version 2 made points unique; the copy version 1 held twice is there once.
            assertThat(store.metricHistory("r1", "loss")).containsExactly(loss0, loss1);
            assertThat(store.metricHistory("r1", "auc")).containsExactly(auc);

            ModelSignature signature = new ModelSignature(
                    List.of(TensorSpec.tensor("features", DataType.FLOAT, List.of(-1L, 54L))),
                    List.of(TensorSpec.tensor("probabilities", DataType.FLOAT, List.of(-1L, 2L))),
                    Map.of("producer", "tribuo"));
            ModelVersion v1 = new ModelVersion("credit-risk", 1, "r1", "runs/r1/model/model.onnx", "aa11", 1024, "onnx",
                    signature, "first", Map.of("validated", "yes"), ModelVersionStatus.APPROVED, "alice", T + 40_000);
            ModelVersion v2 = new ModelVersion("credit-risk", 2, null, "models/credit-risk/2/model.onnx", "bb22", 2048,
                    "onnx", ModelSignature.EMPTY, "", Map.of(), ModelVersionStatus.NEW, "bob", T + 50_000);
            assertThat(store.findModel("credit-risk")).contains(new RegisteredModel("credit-risk", "PD model",
                    Map.of("owner", "risk-team"), Map.of("champion", 1, "challenger", 2), 2, T + 30_000, T + 50_000));
            assertThat(store.listVersions("credit-risk")).containsExactly(v1, v2);

            // And the migrated database takes new writes where version 1 left off.
            Metric loss2 = new Metric("loss", 0.4, 2, T + 14_000);
            store.logMetrics("r1", List.of(loss1, loss2));
            assertThat(store.metricHistory("r1", "loss")).containsExactly(loss0, loss1, loss2);
            ModelVersion v3 = store.createVersion(new ModelVersion("credit-risk", 0, "r2", "runs/r2/model.onnx", "cc33",
                    10, "onnx", null, null, Map.of(), null, "carol", T + 60_000), null);
            assertThat(v3.version()).isEqualTo(3);

            // Version 6 starts an empty audit chain, and governance works on what version 1 held:
            // the aliases it set move with history, its versions change state under the four-eyes rule.
            assertThat(store.lastAudit()).isEmpty();
            store.changeAlias(new AliasUpdate(new AliasChange("credit-risk", "challenger", 2, 3, AliasAction.SET, "carol",
                    T + 70_000, "retrained"), Optional.empty()), TestAudit.appender("carol", "registry.setAlias", "models:/credit-risk"));
            assertThat(store.findModel("credit-risk").orElseThrow().aliases()).containsOnly(Map.entry("champion", 1),
                    Map.entry("challenger", 3));
            store.changeStatus(new StatusChange("credit-risk", 2, ModelVersionStatus.NEW, ModelVersionStatus.PENDING_APPROVAL,
                    "carol", T + 80_000, "ready", Set.of()), TestAudit.appender("carol", "governance.requestApproval", "v2"));
            assertThatThrownBy(() -> store.changeStatus(new StatusChange("credit-risk", 2, ModelVersionStatus.PENDING_APPROVAL,
                    ModelVersionStatus.APPROVED, "bob", T + 90_000, "self-approval", Set.of()),
                    TestAudit.appender("bob", "governance.approve", "v2")))
                    .as("bob registered version 2 under schema version 1").isInstanceOf(PermissionDeniedException.class);
            assertThat(store.lastAudit().orElseThrow().seq()).isEqualTo(2);
        }
    }

    private static void migrateToVersion1(String url) {
        Dialect dialect = Dialect.forUrl(url).orElseThrow();
        Flyway.configure(MigrationFromV1Kit.class.getClassLoader())
                .dataSource(url, null, null)
                .locations(dialect.migrationLocations())
                .table(JdbcMetadataStore.SCHEMA_HISTORY_TABLE)
                .target("1")
                .load()
                .migrate();
    }

    private static void runFixture(String url) throws IOException, SQLException {
        String script;
        try (InputStream in = MigrationFromV1Kit.class.getResourceAsStream(FIXTURE)) {
            assertThat(in).as(FIXTURE).isNotNull();
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            if (line.isBlank() || line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                String sql = current.toString().trim();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static List<String> schemaVersions(String url) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             // Flyway creates its table with quoted lower-case names; H2 folds unquoted ones to upper case.
             var rs = s.executeQuery("SELECT \"version\" FROM \"" + JdbcMetadataStore.SCHEMA_HISTORY_TABLE
                     + "\" WHERE \"success\" ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }
}
