package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.TrackingStoreContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracking contract on a file-based H2 database, as {@code Mlops.local()} uses it: locking
 * and durability differ from the in-memory engine.
 */
class H2FileTrackingStoreTest extends TrackingStoreContract {

    @TempDir
    Path dir;

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open("jdbc:h2:file:" + dir.resolve("metadata").toAbsolutePath(), Map.of());
    }
}
