package io.mlops.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.mlops.Mlops;
import io.mlops.api.AlreadyExistsException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.samples.bank.BankMarketingData;
import io.mlops.samples.bank.BankMarketingData.BankClient;
import io.mlops.samples.bank.BankModelTrainer;
import io.mlops.samples.bank.BankModelTrainer.TrainingResult;
import io.mlops.samples.bank.OnnxPipelineExporter;
import io.mlops.serving.BatchProgress;
import io.mlops.serving.BatchScoring;
import io.mlops.serving.BatchScoringResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch scoring with the real bank-marketing model (trained, exported to ONNX and registered once)
 * on the real data file, an H2 table, and files damaged on purpose.
 */
class BatchScoringTest {

    private static final String MODEL = "bank-term-deposit";
    private static final String BANK_SHA256 = "2d42394367a113d8d2a9adadd0e1f95911b458b31168dd20600ba8a8e7b2a2c7";
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path bankCsv;
    private static BankMarketingData bank;
    private static List<String> bankLines;
    private static Mlops mlops;
    private static ModelVersion version;
    private static Scorer scorer;

    @TempDir
    Path temp;
    private Path in;
    private Path out;

    @BeforeAll
    static void trainAndRegister() throws IOException {
        bankCsv = BankMarketingData.locateDefaultCsv();
        bank = BankMarketingData.load(bankCsv);
        bankLines = Files.readAllLines(bankCsv, StandardCharsets.UTF_8);
        TrainingResult trained = new BankModelTrainer().train(bank);
        byte[] onnx = new OnnxPipelineExporter("io.mlops.samples", 1).exportBytes(trained.model(), trained.encoding());
        mlops = Mlops.inMemory();
        StoredObject artifact;
        String runId;
        try (ActiveRun run = mlops.tracking().startRun(MODEL)) {
            artifact = run.logArtifact(new ByteArrayInputStream(onnx), "model/model.onnx");
            runId = run.id();
            run.finish();
        }
        version = mlops.registry().createVersion(NewModelVersion.builder(MODEL, artifact.key()).runId(runId).build());
        scorer = mlops.scorer(version.uri().toString());
    }

    @AfterAll
    static void close() {
        if (scorer != null) {
            scorer.close();
        }
        if (mlops != null) {
            mlops.close();
        }
    }

    @BeforeEach
    void folders() throws IOException {
        in = Files.createDirectory(temp.resolve("in"));
        out = Files.createDirectory(temp.resolve("out"));
    }

    @Test
    void scoreCsv_bankFile_writesOnePredictionPerRowAndSidecar() throws IOException {
        List<BatchProgress> progress = new ArrayList<>();
        Clock clock = new SteppingClock(Instant.parse("2025-01-02T03:04:05Z"));
        Path output = out.resolve("scores.csv");

        BatchScoringResult result = BatchScoring.builder(scorer).progress(progress::add).clock(clock).build()
                .scoreCsv(bankCsv, output);

        List<String[]> written = readCsv(output);
        List<String> header = List.of(written.get(0));
        List<String> classes = List.copyOf(scorer.score(bank.rows().get(0).toScoringInput()).probabilities().keySet());
        assertThat(classes).containsExactlyInAnyOrder("yes", "no");
        List<String> expectedHeader = new ArrayList<>(List.of(bankLines.get(0).split(",")));
        expectedHeader.add("label");
        classes.forEach(c -> expectedHeader.add("p_" + c));
        assertThat(header).containsExactlyElementsOf(expectedHeader);
        assertThat(written).hasSize(41_188 + 1);
        // Copied columns are the input's text, unchanged.
        assertThat(String.join(",", List.of(written.get(1)).subList(0, 15))).isEqualTo(bankLines.get(1));
        assertThat(String.join(",", List.of(written.get(41_188)).subList(0, 15))).isEqualTo(bankLines.get(41_188));
        assertSamePredictions(written.subList(1, written.size()), 15, bank.rows(), BatchScoring.DEFAULT_CHUNK_ROWS, classes);

        assertThat(result.rows()).isEqualTo(41_188);
        assertThat(result.output()).isEqualTo(output.toAbsolutePath().normalize());
        assertThat(result.sidecar()).isEqualTo(output.resolveSibling("scores.csv.json").toAbsolutePath().normalize());
        assertThat(result.columns()).containsExactlyElementsOf(expectedHeader);
        assertThat(result.outputSha256()).isEqualTo(sha256(output));
        assertThat(result.model()).isEqualTo(version);

        JsonNode sidecar = JSON.readTree(result.sidecar().toFile());
        assertThat(sidecar.path("format").asInt()).isEqualTo(1);
        assertThat(sidecar.path("model").path("name").asText()).isEqualTo(MODEL);
        assertThat(sidecar.path("model").path("version").asInt()).isEqualTo(version.version());
        assertThat(sidecar.path("model").path("uri").asText()).isEqualTo("models:/" + MODEL + "/" + version.version());
        assertThat(sidecar.path("model").path("sha256").asText()).isEqualTo(version.sha256()).hasSize(64);
        assertThat(sidecar.path("input").path("kind").asText()).isEqualTo("csv");
        assertThat(sidecar.path("input").path("path").asText()).isEqualTo(bankCsv.toAbsolutePath().normalize().toString());
        assertThat(sidecar.path("input").path("sha256").asText()).isEqualTo(BANK_SHA256);
        assertThat(sidecar.path("output").path("file").asText()).isEqualTo("scores.csv");
        assertThat(sidecar.path("output").path("sha256").asText()).isEqualTo(sha256(output));
        assertThat(sidecar.path("output").path("columns")).extracting(JsonNode::asText).containsExactlyElementsOf(expectedHeader);
        assertThat(sidecar.path("rows").asLong()).isEqualTo(41_188);
        assertThat(sidecar.path("started").asText()).isEqualTo("2025-01-02T03:04:05Z");
        assertThat(sidecar.path("finished").asText()).isEqualTo("2025-01-02T03:04:06Z");

        // After each chunk, on this thread, rows counting up to the total and the whole file read at the end.
        assertThat(progress).hasSize((41_188 + 1023) / 1024);
        assertThat(progress).extracting(BatchProgress::rows).isSorted().endsWith(41_188L);
        assertThat(progress.get(0).rows()).isEqualTo(1024);
        BatchProgress last = progress.get(progress.size() - 1);
        assertThat(last.inputBytes()).hasValue(Files.size(bankCsv));
        assertThat(last.bytesRead()).hasValue(Files.size(bankCsv));
        assertThat(last.fraction()).hasValue(1.0);
        assertThat(listFiles(out)).containsExactlyInAnyOrder("scores.csv", "scores.csv.json");
    }

    @Test
    void scoreCsv_semicolonFileWithIdColumn_copiesOnlyTheIdAndEqualsScoreBatch() throws IOException {
        int rows = 700;
        List<String> lines = new ArrayList<>();
        lines.add("client_id;" + bankLines.get(0).replace(',', ';'));
        for (int i = 1; i <= rows; i++) {
            lines.add("c" + i + ";" + bankLines.get(i).replace(',', ';'));
        }
        Path input = write("clients.csv", lines);
        Path output = out.resolve("scores.csv");

        BatchScoringResult result = BatchScoring.builder(scorer).separator(';').chunkRows(128).copyColumns("client_id")
                .build().scoreCsv(input, output);

        List<String[]> written = readCsv(output);
        List<String> classes = List.copyOf(scorer.score(bank.rows().get(0).toScoringInput()).probabilities().keySet());
        assertThat(written.get(0)).containsExactly("client_id", "label", "p_" + classes.get(0), "p_" + classes.get(1));
        assertThat(written).hasSize(rows + 1);
        assertThat(written.subList(1, written.size())).extracting(r -> r[0])
                .containsExactlyElementsOf(Stream.iterate(1, i -> i + 1).limit(rows).map(i -> "c" + i).toList());
        assertSamePredictions(written.subList(1, written.size()), 1, bank.rows().subList(0, rows), 128, classes);
        assertThat(result.rows()).isEqualTo(rows);
    }

    @Test
    void scoreQuery_h2Table_equalsScoreBatchAndRestoresAutoCommit() throws SQLException, IOException {
        int rows = 3_000;
        String url = "jdbc:h2:mem:batch-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(url)) {
            createClients(connection, bank.rows().subList(0, rows));
            String sql = "SELECT client_id, age, job, marital, education, \"default\", housing, loan, contact,"
                    + " \"month\", day_of_week, campaign, pdays, previous FROM clients ORDER BY client_id";
            Path output = out.resolve("scores.csv");
            List<BatchProgress> progress = new ArrayList<>();

            BatchScoringResult result = BatchScoring.builder(scorer).chunkRows(1000).copyColumns("client_id")
                    .progress(progress::add).build().scoreQuery(connection, sql, output);

            assertThat(connection.getAutoCommit()).isTrue();
            List<String[]> written = readCsv(output);
            List<String> classes = List.copyOf(scorer.score(bank.rows().get(0).toScoringInput()).probabilities().keySet());
            // H2 folds unquoted names to upper case; features still match, ignoring case.
            assertThat(written.get(0)).containsExactly("CLIENT_ID", "label", "p_" + classes.get(0), "p_" + classes.get(1));
            assertThat(written).hasSize(rows + 1);
            assertThat(written.get(1)[0]).isEqualTo("1");
            assertThat(written.get(rows)[0]).isEqualTo(Integer.toString(rows));
            assertSamePredictions(written.subList(1, written.size()), 1, bank.rows().subList(0, rows), 1000, classes);
            assertThat(progress).extracting(BatchProgress::rows).containsExactly(1000L, 2000L, 3000L);
            assertThat(progress.get(0).bytesRead()).isEmpty();

            JsonNode sidecar = JSON.readTree(result.sidecar().toFile());
            assertThat(sidecar.path("input").path("kind").asText()).isEqualTo("query");
            assertThat(sidecar.path("input").path("sql").asText()).isEqualTo(sql);
            assertThat(sidecar.path("rows").asLong()).isEqualTo(rows);

            // The same query through a DataSource writes the same bytes.
            JdbcDataSource dataSource = new JdbcDataSource();
            dataSource.setURL(url);
            BatchScoringResult again = BatchScoring.builder(scorer).chunkRows(1000).copyColumns("client_id").build()
                    .scoreQuery(dataSource, sql, out.resolve("again.csv"));
            assertThat(again.outputSha256()).isEqualTo(result.outputSha256());
        }
    }

    @Test
    void scoreCsv_badCell_failsNamingLineColumnAndValue_andLeavesNoOutput() throws IOException {
        List<String> lines = new ArrayList<>(bankLines.subList(0, 1501));
        // File line 1235 is data row 1234: after several chunks of 100 have already been written.
        lines.set(1234, "forty" + lines.get(1234).substring(lines.get(1234).indexOf(',')));
        Path input = write("clients.csv", lines);
        List<BatchProgress> progress = new ArrayList<>();

        assertThatThrownBy(() -> BatchScoring.builder(scorer).chunkRows(100).progress(progress::add).build()
                .scoreCsv(input, out.resolve("scores.csv")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(input.toAbsolutePath().toString())
                .hasMessageContaining("line 1235")
                .hasMessageContaining("column 1 'age'")
                .hasMessageContaining("\"forty\"")
                .hasMessageContaining("NUMBER")
                .hasMessageContaining("a decimal number");
        assertThat(progress).isNotEmpty();
        assertThat(listFiles(out)).isEmpty();
    }

    @Test
    void scoreCsv_emptyNumberRefusedByScorer_failsNamingTheLine_andLeavesNoOutput() throws IOException {
        List<String> lines = new ArrayList<>(bankLines.subList(0, 401));
        lines.set(333, lines.get(333).substring(lines.get(333).indexOf(',')));   // empty age: NaN
        Path input = write("clients.csv", lines);

        assertThatThrownBy(() -> BatchScoring.builder(scorer).chunkRows(128).build()
                .scoreCsv(input, out.resolve("scores.csv")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("line 334: ")
                .hasMessageContaining("'age' is NaN");
        assertThat(listFiles(out)).isEmpty();
    }

    @Test
    void scoreCsv_missingFeatureColumns_failsBeforeReadingRows_namingThemAndTheHeader() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : bankLines.subList(0, 50)) {
            String[] cells = line.split(",");
            List<String> kept = new ArrayList<>(List.of(cells));
            kept.remove(12);   // pdays
            kept.remove(0);    // age
            lines.add(String.join(",", kept));
        }
        Path input = write("clients.csv", lines);
        List<BatchProgress> progress = new ArrayList<>();

        assertThatThrownBy(() -> BatchScoring.builder(scorer).progress(progress::add).build()
                .scoreCsv(input, out.resolve("scores.csv")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("missing feature columns [age, pdays]")
                .hasMessageContaining("model '" + MODEL + "' version " + version.version())
                .hasMessageContaining("the input's columns are [job, marital, education,");
        assertThat(progress).isEmpty();
        assertThat(listFiles(out)).isEmpty();
    }

    @Test
    void scoreCsv_wrongSeparator_hintsAtTheSeparator() throws IOException {
        Path input = write("clients.csv", bankLines.subList(0, 10).stream().map(l -> l.replace(',', ';')).toList());

        assertThatThrownBy(() -> BatchScoring.builder(scorer).build().scoreCsv(input, out.resolve("scores.csv")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("separated by ';' rather than ','");
    }

    @Test
    void scoreCsv_outputExists_refusedUnlessOverwrite() throws IOException {
        Path input = write("clients.csv", bankLines.subList(0, 21));
        Path output = Files.writeString(out.resolve("scores.csv"), "old");

        assertThatThrownBy(() -> BatchScoring.builder(scorer).build().scoreCsv(input, output))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining(output.toString())
                .hasMessageContaining("overwrite(true)");
        assertThat(Files.readString(output)).isEqualTo("old");
        assertThat(listFiles(out)).containsExactly("scores.csv");

        BatchScoringResult result = BatchScoring.builder(scorer).overwrite(true).build().scoreCsv(input, output);

        assertThat(result.rows()).isEqualTo(20);
        assertThat(readCsv(output)).hasSize(21);
        assertThat(listFiles(out)).containsExactlyInAnyOrder("scores.csv", "scores.csv.json");
    }

    @Test
    void scoreCsv_progressCallbackThrows_cancelsAndLeavesNoOutput() throws IOException {
        Path input = write("clients.csv", bankLines.subList(0, 501));

        assertThatThrownBy(() -> BatchScoring.builder(scorer).chunkRows(100)
                .progress(p -> {
                    if (p.rows() >= 300) {
                        throw new IllegalStateException("cancelled by the operator");
                    }
                })
                .build().scoreCsv(input, out.resolve("scores.csv")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cancelled by the operator");
        assertThat(listFiles(out)).isEmpty();
    }

    /**
     * Memory is bounded by the chunk, shown structurally rather than by timing: no scoring call
     * ever gets more than chunkRows rows, and each chunk is on disk before the next is read.
     */
    @Test
    void scoreCsv_wholeFile_neverScoresMoreThanChunkRows_andWritesBeforeReadingOn() throws IOException {
        int chunkRows = 500;
        RecordingScorer recording = new RecordingScorer(scorer, out);
        List<Long> bytesReadAtProgress = new ArrayList<>();
        List<Long> tempSizeAtProgress = new ArrayList<>();

        BatchScoring.builder(recording).chunkRows(chunkRows)
                .progress(p -> {
                    bytesReadAtProgress.add(p.bytesRead().orElseThrow());
                    tempSizeAtProgress.add(tempFileSize(out));
                })
                .build().scoreCsv(bankCsv, out.resolve("scores.csv"));

        int calls = (41_188 + chunkRows - 1) / chunkRows;
        assertThat(recording.batchSizes).hasSize(calls).allSatisfy(n -> assertThat(n).isBetween(1, chunkRows));
        assertThat(recording.batchSizes.subList(0, calls - 1)).containsOnly(chunkRows);
        long size = Files.size(bankCsv);
        // After the first chunk only a small part of the 3 MB file has been read (a chunk plus read-ahead) ...
        assertThat(bytesReadAtProgress.get(0)).isLessThan(size / 20);
        // ... and the scored rows are already in the temporary output, growing chunk by chunk.
        assertThat(tempSizeAtProgress.get(0)).isGreaterThan(chunkRows * 100L);
        assertThat(tempSizeAtProgress).isSorted();
        // When chunk k is scored, the rows of chunk k-1 have been written.
        assertThat(recording.tempSizeAtCall.get(0)).isZero();
        assertThat(recording.tempSizeAtCall.subList(1, calls)).allSatisfy(bytes -> assertThat(bytes).isPositive());
        assertThat(recording.tempSizeAtCall).isSorted();
    }

    @Test
    void builder_invalidOptions_reportedTogether_andOptionsSetOnce() {
        assertThatThrownBy(() -> BatchScoring.builder(scorer).chunkRows(0).separator('"').copyColumns("id", "id").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("chunkRows 0 must be at least 1")
                .hasMessageContaining("separator '\"'")
                .hasMessageContaining("copy column 'id' is listed twice");
        assertThatThrownBy(() -> BatchScoring.builder(scorer).chunkRows(10).chunkRows(20))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chunkRows was already set to 10");
    }


    // ---------------------------------------------------------------------------------------------

    /** Each written row's label and probabilities equal scoreBatch over the same rows in the same chunks. */
    private static void assertSamePredictions(List<String[]> written, int firstPredictionColumn, List<BankClient> clients,
            int chunkRows, List<String> classes) {
        assertThat(written).hasSameSizeAs(clients);
        for (int from = 0; from < clients.size(); from += chunkRows) {
            List<Map<String, Object>> rows = new ArrayList<>();
            clients.subList(from, Math.min(clients.size(), from + chunkRows)).forEach(c -> rows.add(c.toScoringInput()));
            List<Prediction> expected = scorer.scoreBatch(rows);
            for (int i = 0; i < expected.size(); i++) {
                String[] row = written.get(from + i);
                Prediction p = expected.get(i);
                assertThat(row[firstPredictionColumn]).isEqualTo(p.label().orElseThrow());
                for (int c = 0; c < classes.size(); c++) {
                    assertThat(Double.parseDouble(row[firstPredictionColumn + 1 + c])).isEqualTo(p.probability(classes.get(c)));
                }
            }
        }
    }

    private static void createClients(Connection connection, List<BankClient> clients) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE clients (client_id INT PRIMARY KEY, age INT, job VARCHAR(40), marital VARCHAR(40),"
                    + " education VARCHAR(40), \"default\" VARCHAR(40), housing VARCHAR(40), loan VARCHAR(40),"
                    + " contact VARCHAR(40), \"month\" VARCHAR(40), day_of_week VARCHAR(40), campaign INT, pdays INT,"
                    + " previous INT)");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int id = 0;
            for (BankClient c : clients) {
                insert.setInt(1, ++id);
                int p = 2;
                for (String column : BankMarketingData.FEATURE_COLUMNS) {
                    if (BankMarketingData.NUMERIC_COLUMNS.contains(column)) {
                        insert.setInt(p++, Integer.parseInt(c.value(column)));
                    } else {
                        insert.setString(p++, c.value(column));
                    }
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private Path write(String name, List<String> lines) throws IOException {
        return Files.write(in.resolve(name), lines, StandardCharsets.UTF_8);
    }

    private static List<String[]> readCsv(Path file) throws IOException {
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class).with(CsvSchema.emptySchema()).readValues(file.toFile())) {
            return it.readAll();
        }
    }

    private static List<String> listFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    /** Size of the hidden temporary output being written in {@code folder}, 0 if there is none yet. */
    private static long tempFileSize(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> temps = files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
            assertThat(temps).hasSizeLessThanOrEqualTo(1);
            return temps.isEmpty() ? 0 : Files.size(temps.get(0));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The real scorer, recording the size of every batch and how much output existed at each call. */
    private static final class RecordingScorer implements Scorer {
        final Scorer delegate;
        final Path outputFolder;
        final List<Integer> batchSizes = new ArrayList<>();
        final List<Long> tempSizeAtCall = new ArrayList<>();

        RecordingScorer(Scorer delegate, Path outputFolder) {
            this.delegate = delegate;
            this.outputFolder = outputFolder;
        }

        @Override
        public ModelVersion version() {
            return delegate.version();
        }

        @Override
        public List<FeatureSpec> features() {
            return delegate.features();
        }

        @Override
        public Prediction score(Map<String, ?> row) {
            return delegate.score(row);
        }

        @Override
        public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
            batchSizes.add(rows.size());
            tempSizeAtCall.add(tempFileSize(outputFolder));
            return delegate.scoreBatch(rows);
        }

        @Override
        public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
            return delegate.scoreTensors(inputs);
        }

        @Override
        public void close() {
            // the shared scorer is closed once, after all tests
        }
    }

    /** A clock one second further on at every reading, so start and finish times are predictable. */
    private static final class SteppingClock extends Clock {
        private Instant next;

        SteppingClock(Instant first) {
            this.next = first;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a test clock in UTC");
        }

        @Override
        public Instant instant() {
            Instant now = next;
            next = next.plusSeconds(1);
            return now;
        }
    }
}
