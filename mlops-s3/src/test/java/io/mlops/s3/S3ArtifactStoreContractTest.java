package io.mlops.s3;

import io.mlops.api.artifact.ArtifactStore;
import io.mlops.tck.ArtifactStoreContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The shared artifact-store contract against a real S3-protocol server (S3Proxy) in this JVM. */
class S3ArtifactStoreContractTest extends ArtifactStoreContract {

    @TempDir
    static Path serverFiles;
    static S3ProxyServer server;
    static final AtomicInteger BUCKETS = new AtomicInteger();

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(serverFiles);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected ArtifactStore newStore() {
        // A fresh bucket per test, and a prefix, so the store never sees another test's objects.
        String bucket = "contract-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        return server.store(bucket).prefix("team/mlops").build();
    }

    @Override
    protected void replaceBytesBehindTheStoresBack(ArtifactStore store, String key, byte[] bytes) {
        S3ArtifactStore s3Store = (S3ArtifactStore) store;
        try (S3Client client = server.client()) {
            client.putObject(b -> b.bucket(s3Store.bucket()).key(s3Store.objectKey(key)), RequestBody.fromBytes(bytes));
        }
    }
}
