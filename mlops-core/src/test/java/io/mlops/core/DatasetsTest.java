package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.data.ColumnProfile;
import io.mlops.api.data.DatasetKind;
import io.mlops.api.data.DatasetManifest;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.data.ManifestEntry;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.DatasetColumn;
import io.mlops.api.tracking.RunSearch;
import io.mlops.tck.Concurrently;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    private static final String CSV = """
            age,job,balance,note
            30,admin.,1200.5,
            41,technician,-3.25,"has, comma"
            35,admin.,0,x
            """;

    @TempDir
    Path temp;
    private Mlops mlops;

    @BeforeEach
    void open() {
        mlops = Mlops.builder().metadata("mem:").localArtifacts(temp.resolve("home")).ungoverned().build();
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    private Path write(String name, String content) throws IOException {
        Path file = temp.resolve("data").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private List<StoredObject> blobs() {
        return mlops.artifacts().list("datasets/blobs/");
    }

    @Test
    void log_csvFile_digestIsTheSha256OfTheCanonicalManifest() throws Exception {
        Path file = write("clients.csv", CSV);
        String fileSha = sha256(CSV.getBytes(StandardCharsets.UTF_8));
        String canonical = "{\"format\":1,\"files\":[{\"path\":\"clients.csv\",\"sha256\":\"" + fileSha + "\",\"size\":"
                + CSV.length() + "}]}";

        DatasetVersion version = mlops.datasets().log("clients", file);

        assertThat(version.digest()).isEqualTo("sha256:" + sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(version.kind()).isEqualTo(DatasetKind.FILE);
        assertThat(version.fileCount()).isEqualTo(1);
        assertThat(version.sizeBytes()).isEqualTo(CSV.length());
        assertThat(version.source()).isEqualTo(file.toUri().toString());
        assertThat(mlops.datasets().manifest(version.digest()).entries())
                .containsExactly(new ManifestEntry("clients.csv", fileSha, CSV.length()));
    }

    @Test
    void log_csvFile_hasSchemaRowCountAndProfile() throws Exception {
        DatasetVersion version = mlops.datasets().log("clients", write("clients.csv", CSV));

        assertThat(version.rowCount()).hasValue(3);
        assertThat(version.schema()).containsExactly(new DatasetColumn("age", "integer"), new DatasetColumn("job", "string"),
                new DatasetColumn("balance", "double"), new DatasetColumn("note", "string"));
        ColumnProfile age = version.profile().get(0);
        assertThat(age.count()).isEqualTo(3);
        assertThat(age.missing()).isZero();
        assertThat(age.min()).hasValue(30);
        assertThat(age.max()).hasValue(41);
        assertThat(age.mean().getAsDouble()).isCloseTo(35.333, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(age.quantiles()).containsEntry(0.5, 35.0);
        ColumnProfile job = version.profile().get(1);
        // Values seen once are not copied into the profile: they may identify someone.
        assertThat(job.topValues()).containsExactly(Map.entry("admin.", 2L));
        assertThat(job.distinct()).hasValue(2);
        ColumnProfile note = version.profile().get(3);
        assertThat(note.missing()).isEqualTo(1);
        assertThat(note.topValues()).isEmpty();
        assertThat(note.distinct()).hasValue(2);
        // What is stored is what is read back.
        assertThat(mlops.datasets().get("clients", version.digest())).isEqualTo(version);
    }

    @Test
    void log_sameDataTwice_storesItOnce_andUploadsNothingTheSecondTime() throws Exception {
        Path file = write("clients.csv", CSV);
        DatasetVersion first = mlops.datasets().log("clients", file);
        List<StoredObject> blobsAfterFirst = blobs();

        DatasetVersion second = mlops.datasets().log("clients", file);
        Path copy = write("copy/elsewhere.csv", CSV);
        mlops.datasets().log("clients-copy", copy);

        assertThat(second).isEqualTo(first);
        assertThat(mlops.datasets().versions("clients")).containsExactly(first);
        // One blob for the bytes, whatever the names and paths; not rewritten (same creation time).
        assertThat(blobs()).hasSize(1).isEqualTo(blobsAfterFirst);
    }

    @Test
    void log_oneByteChanged_changesTheDigest() throws Exception {
        Path file = write("clients.csv", CSV);
        DatasetVersion before = mlops.datasets().log("clients", file);
        Files.writeString(file, CSV.replace("1200.5", "1200.6"));

        DatasetVersion after = mlops.datasets().log("clients", file);

        assertThat(after.digest()).isNotEqualTo(before.digest());
        assertThat(mlops.datasets().versions("clients")).extracting(DatasetVersion::digest)
                .containsExactlyInAnyOrder(before.digest(), after.digest());
        assertThat(blobs()).hasSize(2);
    }

    @Test
    void log_folder_manifestListsEveryFileByRelativePath_andDownloadRestoresTheBytes() throws Exception {
        write("images/b/two.bin", "second");
        write("images/a.txt", "first");
        write("images/b/copy.txt", "first");
        DatasetVersion version = mlops.datasets().log("images", temp.resolve("data/images"));

        DatasetManifest manifest = mlops.datasets().manifest(version.digest());
        Path restored = temp.resolve("restored");
        mlops.datasets().download(version.digest(), restored);

        assertThat(version.kind()).isEqualTo(DatasetKind.FOLDER);
        assertThat(version.rowCount()).isEmpty();
        assertThat(manifest.entries()).extracting(ManifestEntry::path).containsExactly("a.txt", "b/copy.txt", "b/two.bin");
        assertThat(blobs()).as("a.txt and b/copy.txt share one blob").hasSize(2);
        assertThat(Files.readString(restored.resolve("a.txt"))).isEqualTo("first");
        assertThat(Files.readString(restored.resolve("b/copy.txt"))).isEqualTo("first");
        assertThat(Files.readString(restored.resolve("b/two.bin"))).isEqualTo("second");
    }

    @Test
    void download_blobReplacedBehindTheStoresBack_raisesIntegrity_andLeavesNothing() throws Exception {
        Path file = write("clients.csv", CSV);
        DatasetVersion version = mlops.datasets().log("clients", file);
        Path blob = temp.resolve("home/artifacts").resolve(blobs().get(0).key());
        assertThat(blob).exists();
        Files.writeString(blob, CSV.replace("admin.", "ADMIN."));
        Path target = temp.resolve("restored");

        assertThatThrownBy(() -> mlops.datasets().download(version.digest(), target))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(blobs().get(0).key().substring("datasets/blobs/".length(), "datasets/blobs/".length() + 8));
        assertThat(target).doesNotExist();
        try (var siblings = Files.list(temp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial-"));
        }
    }

    @Test
    void download_intoAFolderWithFiles_isRefused() throws Exception {
        DatasetVersion version = mlops.datasets().log("clients", write("clients.csv", CSV));
        Path occupied = Files.createDirectories(temp.resolve("occupied"));
        Files.writeString(occupied.resolve("keep.txt"), "mine");

        assertThatThrownBy(() -> mlops.datasets().download(version.digest(), occupied))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(occupied.toString())
                .hasMessageContaining("new or empty folder");
        assertThat(Files.readString(occupied.resolve("keep.txt"))).isEqualTo("mine");
    }

    @Test
    void log_badInput_isRefusedWithTheValueNamed() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));

        assertThatThrownBy(() -> mlops.datasets().log("x", temp.resolve("missing.csv")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("missing.csv").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> mlops.datasets().log("x", empty))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("holds no regular file");
        assertThatThrownBy(() -> mlops.datasets().log(" ", write("a.csv", CSV)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dataset name");
        assertThatThrownBy(() -> mlops.datasets().manifest("md5:abc"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'md5:abc'").hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> mlops.datasets().get("clients", "sha256:" + "0".repeat(64)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("clients");
        assertThatThrownBy(() -> mlops.datasets().manifest("sha256:" + "0".repeat(64)))
                .isInstanceOf(NotFoundException.class);
        assertThat(mlops.artifacts().list("datasets/")).isEmpty();
    }

    @Test
    void log_malformedCsv_isStoredWithoutProfile() throws Exception {
        DatasetVersion version = mlops.datasets().log("odd", write("odd.csv", "a,b\n1,2,3\n"));

        assertThat(version.rowCount()).isEmpty();
        assertThat(version.schema()).isEmpty();
        assertThat(version.sizeBytes()).isEqualTo(10);
    }

    @Test
    void log_csvWithAnUnbalancedQuote_isStoredWithoutProfile() throws Exception {
        DatasetVersion version = mlops.datasets().log("quoted", write("quoted.csv", "a,b\n1,\"2\n"));

        assertThat(version.rowCount()).isEmpty();
        assertThat(mlops.datasets().manifest(version.digest()).entries()).hasSize(1);
    }

    @Test
    void log_folderOfOnlySymbolicLinks_isRefusedSayingSo() throws Exception {
        Path target = write("real.csv", CSV);
        Path links = Files.createDirectories(temp.resolve("links"));
        Files.createSymbolicLink(links.resolve("link.csv"), target);

        assertThatThrownBy(() -> mlops.datasets().log("links", links))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("1 symbolic links, which are not followed");
    }

    @Test
    void logQuery_storesCanonicalCsv_withDriverTypes_andTheSameRowsGiveTheSameDigest() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:" + java.util.UUID.randomUUID());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE loans (id INT PRIMARY KEY, amount DECIMAL(12,2), status VARCHAR(10), opened DATE)");
            s.execute("INSERT INTO loans VALUES (1, 1200.50, 'OPEN', DATE '2024-01-31'), (2, 80.00, NULL, DATE '2024-02-29'),"
                    + " (3, 5.10, '', NULL)");
            DatasetVersion version = mlops.datasets().logQuery("loans", c, "SELECT * FROM loans ORDER BY id");
            DatasetVersion again = mlops.datasets().logQuery("loans", c, "SELECT id, amount, status, opened FROM loans ORDER BY id");
            Path restored = temp.resolve("restored");
            mlops.datasets().download(version.digest(), restored);

            assertThat(version.kind()).isEqualTo(DatasetKind.QUERY);
            assertThat(version.source()).isEqualTo("SELECT * FROM loans ORDER BY id");
            assertThat(again.digest()).isEqualTo(version.digest());
            assertThat(version.rowCount()).hasValue(3);
            assertThat(version.schema()).extracting(DatasetColumn::type).containsExactly("integer", "double", "string", "date");
            assertThat(version.profile().get(1).max()).hasValue(1200.5);
            assertThat(Files.readString(restored.resolve("result.csv"))).isEqualTo("""
                    ID,AMOUNT,STATUS,OPENED
                    1,1200.5,OPEN,2024-01-31
                    2,80,,2024-02-29
                    3,5.1,"",
                    """);
        }
    }

    @Test
    void logQuery_failingQuery_namesIt_andStoresNothing() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:" + java.util.UUID.randomUUID())) {
            assertThatThrownBy(() -> mlops.datasets().logQuery("loans", c, "SELECT * FROM no_such_table"))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("SELECT * FROM no_such_table");
        }
        assertThat(mlops.artifacts().list("datasets/")).isEmpty();
        assertThat(mlops.datasets().versions("loans")).isEmpty();
    }

    @Test
    void runLogDataset_recordsTheInput_andRunsAreFoundByDigest() throws Exception {
        Path file = write("clients.csv", CSV);
        DatasetVersion version;
        String runId;
        try (ActiveRun run = mlops.tracking().startRun("exp")) {
            version = run.logDataset("clients", file, "training");
            runId = run.id();
            run.finish();
        }

        assertThat(mlops.tracking().getRun(runId).inputs()).singleElement().satisfies(input -> {
            assertThat(input.dataset()).isEqualTo(version.toDataset());
            assertThat(input.context()).isEqualTo("training");
        });
        String experimentId = mlops.tracking().getExperimentByName("exp").id();
        assertThat(mlops.tracking().searchRuns(RunSearch.builder(experimentId)
                .filter("datasets.digest = '" + version.digest() + "'").build()).runs()).extracting(r -> r.id())
                .containsExactly(runId);
    }

    @Test
    void log_sameFileConcurrently_storesOneVersionAndOneBlob() throws Exception {
        StringBuilder big = new StringBuilder("a,b\n");
        for (int i = 0; i < 20_000; i++) {
            big.append(i).append(',').append(i % 7).append('\n');
        }
        Path file = write("big.csv", big.toString());
        List<Callable<DatasetVersion>> writers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            writers.add(() -> mlops.datasets().log("big", file));
        }

        List<DatasetVersion> results = Concurrently.run(writers);

        assertThat(results).allSatisfy(v -> assertThat(v).isEqualTo(results.get(0)));
        assertThat(mlops.datasets().versions("big")).hasSize(1);
        assertThat(blobs()).hasSize(1);
        assertThat(results.get(0).rowCount()).hasValue(20_000);
    }
}
