package io.mlops.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.IntegrityException;

import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import io.mlops.tck.ArtifactStoreContract;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;

/** The local-folder store: the shared contract plus what only a folder on disk can show. */
class LocalArtifactStoreTest extends ArtifactStoreContract {

    private Path root;

    @Override
    protected ArtifactStore newStore() {
        root = temp.resolve("artifacts");
        return LocalArtifactStore.open(root);
    }

    @Override
    protected void replaceBytesBehindTheStoresBack(ArtifactStore store, String key, byte[] bytes) throws Exception {
        Files.write(((LocalArtifactStore) store).dataPath(key), bytes);
    }

    @Test
    void objects_arePlainFilesUnderTheRoot_andSurviveReopening() throws Exception {
        byte[] bytes = randomBytes(4096, 11);
        StoredObject stored = store.put("runs/r1/model.onnx", new ByteArrayInputStream(bytes));

        assertThat(root.resolve("runs/r1/model.onnx")).hasBinaryContent(bytes);
        try (ArtifactStore reopened = LocalArtifactStore.open(root)) {
            assertThat(reopened.stat("runs/r1/model.onnx")).contains(stored);
        }
    }

    @Test
    void fileWithoutItsDigestRecord_isNotAnObject() throws Exception {
        // What a crash between writing the bytes and writing the record leaves behind.
        Files.createDirectories(root.resolve("crashed"));
        Files.write(root.resolve("crashed/model.onnx"), randomBytes(100, 12));

        assertThat(store.stat("crashed/model.onnx")).isEmpty();
        assertThat(store.list("")).isEmpty();
        byte[] bytes = randomBytes(50, 13);
        store.put("crashed/model.onnx", new ByteArrayInputStream(bytes));
        assertThat(read("crashed/model.onnx")).isEqualTo(bytes);
    }

    @Test
    void open_removesOldLeftoverTemporaryFiles_butKeepsRecentOnes() throws Exception {
        Path tmp = root.resolve(".mlops/tmp");
        Path old = Files.write(tmp.resolve("put-old.tmp"), new byte[10]);
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 48L * 3600 * 1000));
        Path recent = Files.write(tmp.resolve("put-recent.tmp"), new byte[10]);

        LocalArtifactStore.open(root).close();

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void keysThatClashAsFileAndFolder_areRefusedBeforeAnythingIsWritten_andOddFolderNamesList() {
        store.put("reports.json/summary.txt", new ByteArrayInputStream(new byte[] {1}));
        store.put("model", new ByteArrayInputStream(new byte[] {2}));

        assertThatThrownBy(() -> store.put("model/weights.bin", new ByteArrayInputStream(new byte[] {3})))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("model/weights.bin");
        assertThatThrownBy(() -> store.put("reports.json", new ByteArrayInputStream(new byte[] {4})))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("reports.json");
        assertThat(store.list("")).extracting(StoredObject::key).containsExactly("model", "reports.json/summary.txt");
    }

    @Test
    void largeTamperedArtifact_reportsTheDigestOfTheBytesActuallyRead() throws Exception {
        // Large enough to be hashed on another core; the change is in the first reused buffer.
        byte[] bytes = randomBytes(9 * 1024 * 1024 + 123, 15);
        store.put("models/big.bin", new ByteArrayInputStream(bytes));
        byte[] tampered = bytes.clone();
        tampered[4 * 256 * 1024] ^= 1;
        replaceBytesBehindTheStoresBack(store, "models/big.bin", tampered);

        assertThatThrownBy(() -> read("models/big.bin"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("read sha256 " + sha256(tampered) + " and " + tampered.length + " bytes");
    }
}
