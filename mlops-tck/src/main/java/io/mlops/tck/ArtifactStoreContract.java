package io.mlops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link ArtifactStore} must meet. Subclass it, return a fresh, empty store from
 * {@link #newStore()}, and implement {@link #replaceBytesBehindTheStoresBack} so the kit can check
 * that reads detect altered content.
 */
public abstract class ArtifactStoreContract {

    protected ArtifactStore store;

    @TempDir
    protected Path temp;

    protected abstract ArtifactStore newStore();

    /** Overwrites the stored bytes of {@code key} without going through the store's API. */
    protected abstract void replaceBytesBehindTheStoresBack(ArtifactStore store, String key, byte[] bytes) throws Exception;

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        // Null when newStore() aborted the test, e.g. because its server is not configured.
        if (store != null) {
            store.close();
        }
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected byte[] read(String key) {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void putStream_recordsDigestAndSize_andReadsBackTheSameBytes() {
        byte[] bytes = randomBytes(300_000, 1);
        StoredObject stored = store.put("runs/r1/model.onnx", new ByteArrayInputStream(bytes));

        assertThat(stored.key()).isEqualTo("runs/r1/model.onnx");
        assertThat(stored.sha256()).isEqualTo(sha256(bytes));
        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(store.stat("runs/r1/model.onnx")).contains(stored);
        assertThat(read("runs/r1/model.onnx")).isEqualTo(bytes);
    }

    @Test
    void putFile_andEmptyObject_roundTrip() throws Exception {
        Path file = temp.resolve("report.md");
        Files.writeString(file, "# report\n");
        StoredObject fromFile = store.put("reports/report.md", file);
        StoredObject empty = store.put("markers/empty", new ByteArrayInputStream(new byte[0]));

        assertThat(read("reports/report.md")).isEqualTo("# report\n".getBytes(StandardCharsets.UTF_8));
        assertThat(fromFile.size()).isEqualTo(9);
        assertThat(empty.size()).isZero();
        assertThat(read("markers/empty")).isEmpty();
    }

    @Test
    void put_sameKeySameBytes_isIdempotent_differentBytesRaiseAlreadyExists() {
        byte[] bytes = randomBytes(1000, 2);
        StoredObject first = store.put("a/b", new ByteArrayInputStream(bytes));
        StoredObject again = store.put("a/b", new ByteArrayInputStream(bytes));

        assertThat(again.sha256()).isEqualTo(first.sha256());
        assertThatThrownBy(() -> store.put("a/b", new ByteArrayInputStream(randomBytes(1000, 3))))
                .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("a/b");
        assertThat(read("a/b")).isEqualTo(bytes);
    }

    @Test
    void open_missingKey_raisesNotFound() {
        assertThat(store.stat("nothing/here")).isEmpty();
        assertThatThrownBy(() -> store.open("nothing/here"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("nothing/here");
    }

    @Test
    void open_bytesReplacedBehindTheStoresBack_raisesIntegrityErrorWhenRead() throws Exception {
        assertTamperingDetected("models/m.onnx", randomBytes(10_000, 4), 5_000);
    }

    @Test
    void open_largeArtifactReplacedBehindTheStoresBack_raisesIntegrityErrorWhenRead() throws Exception {
        // Past 8 MiB, where a store may hash on another core while the caller reads.
        byte[] bytes = randomBytes(9 * 1024 * 1024 + 123, 14);
        assertTamperingDetected("models/big.onnx", bytes, bytes.length - 1);
    }

    /** Stores the bytes, reads them back whole, flips one bit behind the store's back: the read must fail. */
    private void assertTamperingDetected(String key, byte[] bytes, int flippedByte) throws Exception {
        store.put(key, new ByteArrayInputStream(bytes));
        assertThat(read(key)).isEqualTo(bytes);
        byte[] tampered = bytes.clone();
        tampered[flippedByte] ^= 1;
        replaceBytesBehindTheStoresBack(store, key, tampered);

        assertThatThrownBy(() -> read(key))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(sha256(bytes));
    }

    @Test
    void list_byPrefix_sortedByKey() {
        store.put("runs/r1/b.txt", new ByteArrayInputStream(new byte[] {1}));
        store.put("runs/r1/a.txt", new ByteArrayInputStream(new byte[] {2}));
        store.put("runs/r2/a.txt", new ByteArrayInputStream(new byte[] {3}));
        store.put("runs/r10/a.txt", new ByteArrayInputStream(new byte[] {4}));

        assertThat(store.list("runs/r1/")).extracting(StoredObject::key).containsExactly("runs/r1/a.txt", "runs/r1/b.txt");
        assertThat(store.list("")).hasSize(4);
        assertThat(store.list("nothing/")).isEmpty();
    }

    @Test
    void delete_removesTheObject_andReportsWhetherItExisted() {
        store.put("tmp/x", new ByteArrayInputStream(new byte[] {1, 2, 3}));

        assertThat(store.delete("tmp/x")).isTrue();
        assertThat(store.delete("tmp/x")).isFalse();
        assertThat(store.stat("tmp/x")).isEmpty();
        assertThat(store.list("tmp/")).isEmpty();
        store.put("tmp/x", new ByteArrayInputStream(new byte[] {9}));
        assertThat(read("tmp/x")).containsExactly(9);
    }

    @Test
    void directory_roundTripsEveryFileUnderItsRelativePath() throws Exception {
        Path dir = temp.resolve("saved-model");
        Files.createDirectories(dir.resolve("variables"));
        Files.write(dir.resolve("saved_model.pb"), randomBytes(2048, 5));
        Files.write(dir.resolve("variables/variables.data"), randomBytes(4096, 6));
        List<StoredObject> stored = store.putDirectory("models/tf", dir);

        assertThat(stored).extracting(StoredObject::key)
                .containsExactly("models/tf/saved_model.pb", "models/tf/variables/variables.data");
        Path target = temp.resolve("restored");
        store.getDirectory("models/tf", target);
        assertThat(target.resolve("saved_model.pb")).hasSameBinaryContentAs(dir.resolve("saved_model.pb"));
        assertThat(target.resolve("variables/variables.data")).hasSameBinaryContentAs(dir.resolve("variables/variables.data"));
    }

    @Test
    void directory_isReadBackWholeOrNotAtAll_andItsManifestStaysOutOfListings() throws Exception {
        Path dir = temp.resolve("model-dir");
        Files.createDirectories(dir.resolve("assets"));
        Files.write(dir.resolve("model.onnx"), randomBytes(3000, 7));
        Files.write(dir.resolve("assets/vocab.txt"), randomBytes(500, 8));
        store.putDirectory("models/m1", dir);

        assertThat(store.list("")).extracting(StoredObject::key)
                .containsExactly("models/m1/assets/vocab.txt", "models/m1/model.onnx");
        // A file added later is not part of the folder that was stored.
        store.put("models/m1/extra.bin", new ByteArrayInputStream(new byte[] {1}));
        Path restored = temp.resolve("restored-whole");
        assertThat(store.getDirectory("models/m1", restored)).extracting(StoredObject::key)
                .containsExactly("models/m1/assets/vocab.txt", "models/m1/model.onnx");
        assertThat(restored.resolve("extra.bin")).doesNotExist();

        store.delete("models/m1/model.onnx");
        Path broken = temp.resolve("restored-broken");
        Files.createDirectories(broken.resolve("assets"));
        Files.writeString(broken.resolve("assets/vocab.txt"), "what was there before");
        assertThatThrownBy(() -> store.getDirectory("models/m1", broken))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("models/m1/model.onnx")
                .hasMessageContaining("incomplete");
        assertThat(broken.resolve("assets/vocab.txt")).as("a failed read leaves the target as it was")
                .hasContent("what was there before");
        try (var left = Files.list(broken)) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("assets");
        }
    }

    @Test
    void getDirectory_ofNoFolder_raisesNotFound_andAChangedFolderCannotBeStoredAgain() throws Exception {
        store.put("loose/a.txt", new ByteArrayInputStream(new byte[] {1}));
        assertThatThrownBy(() -> store.getDirectory("loose", temp.resolve("out")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("'loose'");

        Path dir = temp.resolve("v1");
        Files.createDirectories(dir);
        Files.write(dir.resolve("a.bin"), randomBytes(100, 9));
        store.putDirectory("folders/f", dir);
        assertThat(store.putDirectory("folders/f", dir)).hasSize(1); // the same folder again is a no-op
        Files.write(dir.resolve("b.bin"), randomBytes(100, 10));
        assertThatThrownBy(() -> store.putDirectory("folders/f", dir))
                .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("folders/f");
    }

    @Test
    void downloadUrl_whenTheStoreMakesOne_servesTheBytes_andBadRequestsAreRefused() throws Exception {
        byte[] bytes = randomBytes(5000, 11);
        store.put("shared/report.bin", new ByteArrayInputStream(bytes));

        java.util.Optional<java.net.URI> url = store.downloadUrl("shared/report.bin", java.time.Duration.ofMinutes(10));
        if (url.isPresent()) {
            java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(url.get()).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(bytes);
        }
        assertThatThrownBy(() -> store.downloadUrl("shared/none.bin", java.time.Duration.ofMinutes(10)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("shared/none.bin");
        assertThatThrownBy(() -> store.downloadUrl("shared/report.bin", java.time.Duration.ofDays(30)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("PT720H");
        assertThatThrownBy(() -> store.downloadUrl("shared/report.bin", java.time.Duration.ZERO))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("PT0S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/abs", "a//b", "a/../b", "./a", "a/.", "back\\slash", "ctl\u0001char", ".mlops/x", "trailing/"})
    void put_invalidKey_raisesInvalidArgumentNamingTheKey(String key) {
        assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'" + key + "'");
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void put_failingSourceStream_leavesNothingVisible() {
        InputStream failing = new InputStream() {
            private int left = 100_000;

            @Override
            public int read() throws IOException {
                // Keeps failing once broken: InputStream's bulk read swallows a first failure after partial data.
                if (left <= 0) {
                    throw new IOException("source broke");
                }
                left--;
                return 7;
            }
        };

        assertThatThrownBy(() -> store.put("half/written", failing)).isInstanceOf(RuntimeException.class);
        assertThat(store.stat("half/written")).isEmpty();
        assertThat(store.list("")).isEmpty();
        assertThatThrownBy(() -> store.open("half/written")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void put_sameKeyConcurrently_oneContentWins_andReadersSeeWholeObjects() throws Exception {
        List<Callable<String>> writers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] bytes = randomBytes(200_000, 100 + i % 2);
            writers.add(() -> {
                try {
                    return store.put("race/model.bin", new ByteArrayInputStream(bytes)).sha256();
                } catch (AlreadyExistsException e) {
                    return "lost";
                }
            });
        }
        List<String> outcomes = Concurrently.run(writers);

        StoredObject winner = store.stat("race/model.bin").orElseThrow();
        assertThat(outcomes).filteredOn(o -> !o.equals("lost")).containsOnly(winner.sha256());
        assertThat(sha256(read("race/model.bin"))).isEqualTo(winner.sha256());
    }
}
