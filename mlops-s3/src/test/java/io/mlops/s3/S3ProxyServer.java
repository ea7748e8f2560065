package io.mlops.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-protocol server inside the test JVM: S3Proxy over jclouds' filesystem blob store, on
 * loopback, with SigV4 authentication. It can be stopped and started again on the same port with
 * the same contents, to cut off a store in the middle of a transfer.
 */
final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS_KEY = "mlops-test-access";
    static final String SECRET_KEY = "mlops-test-secret-do-not-log-9f3c";

    private final BlobStoreContext context;
    private final boolean ignoreUnknownHeaders;
    private S3Proxy proxy;
    private int port;

    private S3ProxyServer(BlobStoreContext context, boolean ignoreUnknownHeaders) {
        this.context = context;
        this.ignoreUnknownHeaders = ignoreUnknownHeaders;
    }

    static S3ProxyServer start(Path directory) throws Exception {
        return start(directory, false);
    }

    /** With {@code ignoreUnknownHeaders}, headers S3Proxy does not implement (encryption) are accepted and ignored. */
    static S3ProxyServer start(Path directory, boolean ignoreUnknownHeaders) throws Exception {
        java.nio.file.Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .credentials("unused", "unused").overrides(properties).build(BlobStoreContext.class);
        S3ProxyServer server = new S3ProxyServer(context, ignoreUnknownHeaders);
        server.startProxy(0);
        return server;
    }

    private void startProxy(int requestedPort) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(ignoreUnknownHeaders)
                .build();
        proxy.start();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            Thread.sleep(2);
        }
        port = proxy.getPort();
    }

    /** Stops answering; connections in progress are cut. */
    void stop() throws Exception {
        proxy.stop();
    }

    /** Answers again on the same port, with the same contents. */
    void restart() throws Exception {
        startProxy(port);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    /** A store on this server, configured as an S3-compatible server needs. */
    S3ArtifactStore.Builder store(String bucket) {
        return S3ArtifactStore.builder(bucket)
                .endpoint(endpoint())
                .pathStyle(true)
                .region("us-east-1")
                .checksums(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    /** A plain SDK client on this server, for the tests' own look behind the store's back. */
    S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
