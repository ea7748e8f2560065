package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.MlopsException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.governance.AliasChange;
import io.mlops.api.governance.AliasChange.AliasAction;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.spi.AliasUpdate;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** H2 specifics of the JDBC store: migrations, reopening a file database, unreachable servers, secrets; plus the {@link JdbcStoreKit}. */
class JdbcMetadataStoreTest extends JdbcStoreKit {

    private static final String SECRET = "Tr0ub4dor-3-secret";
    private static final Set<String> SCHEMA_TABLES = Set.of("EXPERIMENTS", "EXPERIMENT_TAGS", "RUNS", "PARAMS", "METRICS",
            "LATEST_METRICS", "RUN_TAGS", "RUN_INPUTS", "REGISTERED_MODELS", "MODEL_TAGS", "MODEL_VERSIONS",
            "VERSION_TAGS", "MODEL_ALIASES", "VERSION_TRANSITIONS", "ALIAS_CHANGES", "MODEL_INVENTORY", "ROLE_GRANTS",
            "AUDIT_LOG", "AUDIT_HEAD", "DATASET_VERSIONS", "PREDICTION_LOG", "PREDICTION_LABELS");

    @TempDir
    Path dir;

    private static String memoryUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    protected String newDatabaseUrl() {
        return memoryUrl();
    }

    /** The applied SQL migrations (Flyway also records a versionless schema marker): version -> success. */
    private static Map<String, Boolean> schemaHistory(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT \"version\", \"success\" FROM \"mlops_schema_history\" WHERE \"type\" = 'SQL'"
                             + " ORDER BY \"installed_rank\"")) {
            Map<String, Boolean> rows = new LinkedHashMap<>();
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getBoolean(2));
            }
            return rows;
        }
    }

    private static Set<String> tables(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
            Set<String> names = new TreeSet<>();
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
            return names;
        }
    }

    @Test
    void open_freshDatabase_createsEveryTableAndRecordsEveryMigration() throws SQLException {
        String url = memoryUrl();
        open(url, Map.of());

        assertThat(tables(url)).containsAll(SCHEMA_TABLES);
        assertThat(schemaHistory(url)).containsExactly(Map.entry("1", true), Map.entry("1.1", true), Map.entry("2", true),
                Map.entry("3", true), Map.entry("4", true), Map.entry("6", true), Map.entry("7", true),
                Map.entry("8", true));
    }

    @Test
    void reopen_fileDatabase_keepsEverything_andAppliesNoMigrationAgain() throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("metadata").toAbsolutePath();
        JdbcMetadataStore first = JdbcMetadataStore.open(url, Map.of());
        Experiment experiment = first.createExperiment("e1", "credit-risk", Map.of("team", "risk"), 1L);
        Run run = newRun(experiment);
        first.createRun(run);
        first.putParamIfAbsent(run.id(), "lr", "0.1");
        first.logMetrics(run.id(), List.of(new Metric("auc", 0.77, 4, 9L)));
        first.createModel("credit-risk", "PD", Map.of(), 2L);
        ModelVersion v1 = first.createVersion(draft("credit-risk"), null);
        first.changeAlias(new AliasUpdate(new AliasChange("credit-risk", "champion", 0, v1.version(), AliasAction.SET,
                "alice", 3L, ""), Optional.empty()), TestAudit.appender("alice", "registry.setAlias", "models:/credit-risk"));
        first.close();
        Map<String, Boolean> historyAfterFirstOpen = schemaHistory(url);

        JdbcMetadataStore second = open(url, Map.of());

        assertThat(second.findExperimentByName("credit-risk")).contains(experiment);
        Run reread = second.findRun(run.id()).orElseThrow();
        assertThat(reread.params()).containsExactly(Map.entry("lr", "0.1"));
        assertThat(reread.metric("auc")).contains(0.77);
        assertThat(second.findVersion("credit-risk", 1)).contains(v1);
        assertThat(second.findModel("credit-risk").orElseThrow().aliases()).containsExactly(Map.entry("champion", 1));
        assertThat(second.listAliasChanges("credit-risk")).hasSize(1);
        assertThat(second.lastAudit().orElseThrow().seq()).isEqualTo(1);
        assertThat(historyAfterFirstOpen).containsExactly(Map.entry("1", true), Map.entry("1.1", true), Map.entry("2", true),
                Map.entry("3", true), Map.entry("4", true), Map.entry("6", true), Map.entry("7", true),
                Map.entry("8", true));
        assertThat(schemaHistory(url)).isEqualTo(historyAfterFirstOpen);
    }

    @Test
    void unreachableDatabase_raisesRetryableStoreUnavailable_withoutThePassword() {
        // Nothing listens on port 1: a real refused connection, not a stub.
        String url = "jdbc:postgresql://127.0.0.1:1/mlops?connectTimeout=2";

        assertThatThrownBy(() -> open(url, Map.of("user", "mlops", "password", SECRET)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining(SECRET)
                .satisfies(e -> assertThat(((MlopsException) e).retryable()).isTrue())
                .satisfies(e -> assertThat(e.getCause()).isInstanceOf(SQLException.class));
    }

    @Test
    void password_neverAppearsInDescriptionOrLogs_butIsUsed() {
        String name = UUID.randomUUID().toString();
        String urlWithPassword = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;PASSWORD=" + SECRET;
        String plainUrl = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String description;
        String otherDescription;
        // slf4j-simple writes to whatever System.err is at the time of each call.
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JdbcMetadataStore fromUrl = open(urlWithPassword, Map.of("user", "sa"));
            fromUrl.createExperiment("e", "secret-check", Map.of(), 1L);
            description = fromUrl.description();
            JdbcMetadataStore fromOption = open(plainUrl, Map.of("user", "sa", "password", SECRET));
            otherDescription = fromOption.description();
            assertThat(fromOption.findExperimentByName("secret-check")).isPresent();
            assertThatThrownBy(() -> open(plainUrl, Map.of("user", "sa", "password", "wrong")))
                    .as("the database was created with the password, so a wrong one is refused")
                    .isInstanceOf(MlopsException.class);
        } finally {
            System.setErr(original);
        }

        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("Opening metadata store").contains("password=****").doesNotContain(SECRET);
        assertThat(description).isEqualTo(plainUrl).doesNotContain(SECRET);
        assertThat(otherDescription).doesNotContain(SECRET);
    }
}
