package io.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.artifact.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * What the contract tests cannot say about S3: multipart uploads, failures and their clean-up,
 * a server that goes away mid-transfer, the error for each misconfiguration, retries, encryption
 * headers, presigned URLs and the {@code s3://} URI. All against S3Proxy in this JVM.
 */
class S3ArtifactStoreTest {

    private static final int MIB = 1024 * 1024;

    @TempDir
    static Path serverFiles;
    static S3ProxyServer server;
    static final AtomicInteger BUCKETS = new AtomicInteger();

    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(serverFiles);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = "s3test-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
    }

    private S3ArtifactStore.Builder store() {
        return server.store(bucket).prefix("mlops").multipartThreshold(8 * MIB).partSize(5 * MIB);
    }

    /** Deterministic bytes of any length, produced as they are read, with their sha256. */
    static final class GeneratedContent extends InputStream {
        private final long length;
        private final Random random;
        private final MessageDigest digest = sha256();
        long produced;
        private final Runnable atHalf;
        private boolean halfReached;

        GeneratedContent(long length, long seed, Runnable atHalf) {
            this.length = length;
            this.random = new Random(seed);
            this.atHalf = atHalf;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (produced >= length) {
                return -1;
            }
            if (!halfReached && produced >= length / 2) {
                halfReached = true;
                atHalf.run();
            }
            int n = (int) Math.min(Math.min(len, 64 * 1024), length - produced);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            digest.update(chunk);
            produced += n;
            return n;
        }

        String sha256Hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Of(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[256 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private List<String> rawKeys(String prefix) {
        try (S3Client client = server.client()) {
            return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .map(S3Object::key).filter(k -> !k.endsWith("/")).toList();
        }
    }

    @Test
    void largeContent_goesUpInParts_andComesBackVerified_underABrowsableKey() throws Exception {
        try (S3ArtifactStore store = store().build()) {
            GeneratedContent content = new GeneratedContent(23L * MIB + 17, 1, () -> { });
            StoredObject stored = store.put("models/big.bin", content);

            assertThat(stored.size()).isEqualTo(23L * MIB + 17);
            assertThat(stored.sha256()).isEqualTo(content.sha256Hex());
            try (InputStream in = store.open("models/big.bin")) {
                assertThat(sha256Of(in)).isEqualTo(stored.sha256());
            }
            assertThat(rawKeys("mlops/models/")).containsExactly("mlops/models/big.bin");
            assertThat(store.incompleteUploads()).isEmpty();
        }
    }

    @Test
    void sourceFailingMidMultipart_leavesNoObject_andNoIncompleteUpload() {
        try (S3ArtifactStore store = store().build()) {
            InputStream failing = new GeneratedContent(30L * MIB, 2, () -> {
                throw new IllegalStateException("source broke at half");
            });

            assertThatThrownBy(() -> store.put("runs/r1/data.bin", failing)).hasMessageContaining("source broke");
            assertThat(store.stat("runs/r1/data.bin")).isEmpty();
            assertThat(rawKeys("mlops/")).isEmpty();
            assertThat(store.incompleteUploads()).isEmpty();
        }
    }

    /** Fails every part upload at once, as a bucket policy denying the multipart calls would. */
    static final class FailingParts implements ExecutionInterceptor {
        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            if (context.httpRequest().rawQueryParameters().containsKey("partNumber")) {
                return context.httpResponse().toBuilder().statusCode(403).build();
            }
            return context.httpResponse();
        }
    }

    @Test
    void aFailingPart_stopsTheUploadAtOnce_withoutReadingTheRestOfTheSource() {
        try (S3ArtifactStore store = store().maxAttempts(1).clientOverrides(c -> c.addExecutionInterceptor(new FailingParts()))
                .build()) {
            GeneratedContent huge = new GeneratedContent(64L * 1024 * MIB, 8, () -> { });

            assertThatThrownBy(() -> store.put("models/huge.bin", huge))
                    .isInstanceOf(MlopsException.class)
                    .hasMessageContaining("upload part")
                    .hasMessageContaining("models/huge.bin");
            assertThat(huge.produced).as("bytes read from a 64 GiB source").isLessThan(64L * MIB);
            assertThat(store.incompleteUploads()).isEmpty();
            assertThat(store.stat("models/huge.bin")).isEmpty();
        }
    }

    @Test
    void serverStoppingMidUpload_failsAsUnavailable_andTheUploadIsAbortedOnceItIsBack() throws Exception {
        try (S3ArtifactStore store = store().maxAttempts(2).build()) {
            InputStream content = new GeneratedContent(30L * MIB, 3, () -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                assertThatThrownBy(() -> store.put("models/cut.bin", content))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("models/cut.bin")
                        .hasMessageContaining(store.location());
            } finally {
                server.restart();
            }
            assertThat(store.incompleteUploads()).as("the abort could not reach the server").hasSize(1);

            store.put("models/next.bin", new ByteArrayInputStream(new byte[] {1, 2, 3}));

            assertThat(store.incompleteUploads()).isEmpty();
            assertThat(store.stat("models/cut.bin")).isEmpty();
            assertThat(rawKeys("mlops/models/")).containsExactly("mlops/models/next.bin");
        }
    }

    @Test
    void serverStoppingMidDownload_andComingBack_theReadResumesAndVerifies() throws Exception {
        try (S3ArtifactStore store = store().build()) {
            StoredObject stored = store.put("models/resume.bin", new GeneratedContent(24L * MIB, 4, () -> { }));
            MessageDigest digest = sha256();
            try (InputStream in = store.open("models/resume.bin")) {
                byte[] buffer = new byte[64 * 1024];
                long read = 0;
                boolean cut = false;
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, n);
                    read += n;
                    if (!cut && read >= 6L * MIB) {
                        cut = true;
                        server.stop();
                        Thread restarter = new Thread(() -> {
                            try {
                                Thread.sleep(300);
                                server.restart();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        restarter.start();
                    }
                }
                assertThat(cut).isTrue();
            } finally {
                ensureRunning();
            }
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(stored.sha256());
        }
    }

    @Test
    void serverGoneForGoodMidDownload_failsTheRead_neverEndsItEarly() throws Exception {
        try (S3ArtifactStore store = store().maxAttempts(3).build()) {
            store.put("models/gone.bin", new GeneratedContent(24L * MIB, 5, () -> { }));
            InputStream in = store.open("models/gone.bin");
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 4L * MIB) {
                read += in.read(buffer);
            }
            server.stop();
            try {
                assertThatThrownBy(() -> {
                    while (in.read(buffer) >= 0) {
                        // drain until it fails
                    }
                }).isInstanceOf(IOException.class)
                        .hasMessageContaining("models/gone.bin")
                        .hasMessageContaining("could not be resumed after 3 attempts");
            } finally {
                in.close();
                server.restart();
            }
        }
    }

    private static void ensureRunning() throws Exception {
        // The restarter thread may still be sleeping; wait until the server answers again.
        for (int i = 0; i < 100; i++) {
            try (S3Client client = server.client()) {
                client.listBuckets();
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(50);
            }
        }
    }

    @Test
    void wrongCredentials_areRefusedClearly_withoutTheSecretAnywhere() {
        String secret = "wrong-secret-value-7d1e";
        assertThatThrownBy(() -> server.store(bucket)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, secret)))
                .build())
                .isInstanceOf(MlopsException.class)
                .satisfies(e -> assertThat(((MlopsException) e).retryable()).isFalse())
                .hasMessageContaining(bucket)
                .hasMessageContaining("refused")
                .satisfies(e -> assertThat(chainText(e)).doesNotContain(secret).doesNotContain(S3ProxyServer.SECRET_KEY));
    }

    @Test
    void missingBucket_isNotFound_namingIt() {
        assertThatThrownBy(() -> server.store("no-such-bucket").build())
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("s3://no-such-bucket")
                .hasMessageContaining("does not exist");
    }

    @Test
    void unreachableServer_isUnavailable_andRetryable() {
        assertThatThrownBy(() -> server.store(bucket).endpoint(URI.create("http://127.0.0.1:1")).maxAttempts(2).build())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("could not be reached")
                .satisfies(e -> assertThat(((MlopsException) e).retryable()).isTrue())
                .satisfies(e -> assertThat(chainText(e)).doesNotContain(S3ProxyServer.SECRET_KEY));
    }

    private static String chainText(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
            for (Throwable s : t.getSuppressed()) {
                all.append(s).append('\n');
            }
        }
        return all.toString();
    }

    /** Answers the first {@code failures} PUTs of artifact bytes (not records) with 503, as S3 does when it sheds load. */
    static final class FailingPuts implements ExecutionInterceptor {
        final AtomicInteger left;
        final AtomicInteger attempts = new AtomicInteger();

        FailingPuts(int failures) {
            left = new AtomicInteger(failures);
        }

        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            SdkHttpRequest request = context.httpRequest();
            if (request.method().name().equals("PUT") && request.encodedPath().contains("/mlops/flaky/")) {
                attempts.incrementAndGet();
                if (left.getAndDecrement() > 0) {
                    return context.httpResponse().toBuilder().statusCode(503).build();
                }
            }
            return context.httpResponse();
        }
    }

    @Test
    void transientErrors_areRetriedWithBackoff_upToMaxAttempts() {
        FailingPuts twice = new FailingPuts(2);
        try (S3ArtifactStore store = store().maxAttempts(3).clientOverrides(c -> c.addExecutionInterceptor(twice)).build()) {
            StoredObject stored = store.put("flaky/a.bin", new ByteArrayInputStream(new byte[] {4, 5, 6}));
            assertThat(twice.attempts.get()).isEqualTo(3);
            assertThat(store.stat("flaky/a.bin")).contains(stored);
        }
        FailingPuts always = new FailingPuts(100);
        try (S3ArtifactStore store = store().maxAttempts(3).clientOverrides(c -> c.addExecutionInterceptor(always)).build()) {
            assertThatThrownBy(() -> store.put("flaky/b.bin", new ByteArrayInputStream(new byte[] {7})))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("HTTP 503");
            assertThat(always.attempts.get()).isEqualTo(3);
            assertThat(store.stat("flaky/b.bin")).isEmpty();
        }
    }

    /** Records the headers of every request the store sends. */
    static final class SentHeaders implements ExecutionInterceptor {
        final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            requests.add(context.httpRequest());
        }

        List<SdkHttpRequest> matching(String method, String pathPart, String query) {
            List<SdkHttpRequest> found = new ArrayList<>();
            for (SdkHttpRequest r : requests) {
                if (r.method().name().equals(method) && r.encodedPath().contains(pathPart)
                        && (query == null || r.rawQueryParameters().containsKey(query))) {
                    found.add(r);
                }
            }
            return found;
        }
    }

    @Test
    void kmsEncryption_isRequestedForBytesRecordsAndMultipartUploads_storageClassForBytes() throws Exception {
        SentHeaders sent = new SentHeaders();
        // S3Proxy does not encrypt and answers 501 to encryption headers unless told to ignore them:
        // what is checked here is what the store asks for, on every kind of write.
        try (S3ProxyServer lenient = S3ProxyServer.start(serverFiles.resolve("lenient"), true);
                S3ArtifactStore store = lenientStore(lenient).encryption(S3Encryption.kms("alias/mlops-artifacts"))
                .storageClass(StorageClass.STANDARD_IA)
                .clientOverrides(c -> c.addExecutionInterceptor(sent)).build()) {
            store.put("enc/small.bin", new ByteArrayInputStream(new byte[] {1}));
            store.put("enc/large.bin", new GeneratedContent(12L * MIB, 6, () -> { }));
            try (InputStream in = store.open("enc/large.bin")) {
                sha256Of(in);
            }
        }
        List<SdkHttpRequest> encrypted = new ArrayList<>();
        encrypted.addAll(sent.matching("PUT", "/mlops/enc/small.bin", null));
        encrypted.addAll(sent.matching("PUT", "/mlops/.mlops/meta/enc/small.bin", null));
        encrypted.addAll(sent.matching("PUT", "/mlops/.mlops/meta/enc/large.bin", null));
        encrypted.addAll(sent.matching("POST", "/mlops/enc/large.bin", "uploads"));
        assertThat(encrypted).hasSize(4).allSatisfy(r -> {
            assertThat(r.firstMatchingHeader("x-amz-server-side-encryption")).contains("aws:kms");
            assertThat(r.firstMatchingHeader("x-amz-server-side-encryption-aws-kms-key-id")).contains("alias/mlops-artifacts");
        });
        assertThat(sent.matching("PUT", "/mlops/enc/small.bin", null).get(0).firstMatchingHeader("x-amz-storage-class"))
                .contains("STANDARD_IA");
        assertThat(sent.matching("POST", "/mlops/enc/large.bin", "uploads").get(0).firstMatchingHeader("x-amz-storage-class"))
                .contains("STANDARD_IA");
        assertThat(sent.matching("PUT", "/mlops/.mlops/meta/enc/small.bin", null).get(0)
                .firstMatchingHeader("x-amz-storage-class")).isEmpty();
    }

    private S3ArtifactStore.Builder lenientStore(S3ProxyServer lenient) {
        lenient.createBucket(bucket);
        return lenient.store(bucket).prefix("mlops").multipartThreshold(8 * MIB).partSize(5 * MIB);
    }

    @Test
    void withTheSdksDefaultChecksums_aSinglePartUploadCarriesTheStoresSha256ForS3ToCheck() throws Exception {
        SentHeaders sent = new SentHeaders();
        byte[] bytes = "checked by S3 on arrival".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (S3ProxyServer lenient = S3ProxyServer.start(serverFiles.resolve("lenient-checksums"), true);
                S3ArtifactStore store = lenientStore(lenient)
                        .checksums(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_SUPPORTED)
                        .clientOverrides(c -> c.addExecutionInterceptor(sent)).build()) {
            StoredObject stored = store.put("sums/a.txt", new ByteArrayInputStream(bytes));
            String expected = java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(stored.sha256()));
            assertThat(sent.matching("PUT", "/mlops/sums/a.txt", null)).singleElement()
                    .satisfies(r -> assertThat(r.firstMatchingHeader("x-amz-checksum-sha256")).contains(expected));
        }
    }

    @Test
    void archiveStorageClasses_andBadSettings_areRefusedNamingTheValue() {
        assertThatThrownBy(() -> store().storageClass(StorageClass.GLACIER))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("GLACIER");
        assertThatThrownBy(() -> store().partSize(1024))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("partSize 1024");
        assertThatThrownBy(() -> S3ArtifactStore.builder("Bad_Bucket"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'Bad_Bucket'");
        assertThatThrownBy(() -> store().prefix("/lead"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'/lead'");
        assertThatThrownBy(() -> S3Encryption.parse("rot13", null))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'rot13'");
    }

    @Test
    void presignedUrl_downloadsTheBytesWithoutCredentials_withinItsValidity() throws Exception {
        try (S3ArtifactStore store = store().build()) {
            byte[] bytes = "model card\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            store.put("reports/card.md", new ByteArrayInputStream(bytes));
            URI url = store.downloadUrl("reports/card.md", Duration.ofMinutes(5)).orElseThrow();

            HttpResponse<byte[]> response = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(bytes);
            assertThat(url.getQuery()).contains("X-Amz-Expires=300").doesNotContain(S3ProxyServer.SECRET_KEY);

            URI shortLived = store.downloadUrl("reports/card.md", Duration.ofSeconds(1)).orElseThrow();
            Thread.sleep(2_100);
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(shortLived).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as("an expired link").isEqualTo(403);

            assertThatThrownBy(() -> store.downloadUrl("reports/card.md", Duration.ofDays(8)))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("PT192H");
            assertThatThrownBy(() -> store.downloadUrl("reports/missing.md", Duration.ofMinutes(5)))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("reports/missing.md");
        }
    }

    @Test
    void s3Uri_isFoundThroughServiceLoader_withOptionsFromQueryAndMap() throws Exception {
        String previousKey = System.getProperty("aws.accessKeyId");
        String previousSecret = System.getProperty("aws.secretAccessKey");
        // The SDK's default credentials chain reads these: no credentials in the URI or options.
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        try (Mlops mlops = Mlops.builder().metadata("mem:")
                .artifacts("s3://" + bucket + "/team/models?pathStyle=true&checksums=when_required",
                        Map.of("endpoint", server.endpoint().toString(), "region", "eu-west-1", "partSize", "5MiB"))
                .ungoverned().build()) {
            assertThat(mlops.artifacts().location()).isEqualTo("s3://" + bucket + "/team/models");
            mlops.artifacts().put("a/b.txt", new ByteArrayInputStream(new byte[] {42}));
            assertThat(rawKeys("team/models/a/")).containsExactly("team/models/a/b.txt");
        } finally {
            restore("aws.accessKeyId", previousKey);
            restore("aws.secretAccessKey", previousSecret);
        }
        S3ArtifactStoreProvider provider = new S3ArtifactStoreProvider();
        assertThatThrownBy(() -> provider.open("s3://" + bucket + "/p", Map.of("secretAccessKey", "x")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'secretAccessKey'").hasMessageContaining("endpoint");
        assertThatThrownBy(() -> provider.open("s3://key:secret@" + bucket + "/p", Map.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("carries credentials").satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret@"));
        assertThatThrownBy(() -> provider.open("s3://AKIAEXAMPLE:top-secret-value@not_a_bucket/p", Map.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .satisfies(e -> assertThat(chainText(e)).doesNotContain("top-secret-value"));
        assertThatThrownBy(() -> provider.open("s3://k:top-secret-value@" + bucket + "/p", Map.of("endpoint", "http://u:pw@h:1")))
                .isInstanceOf(InvalidArgumentException.class)
                .satisfies(e -> assertThat(chainText(e)).doesNotContain("top-secret-value"));
        assertThatThrownBy(() -> provider.open("s3://" + bucket, Map.of("partSize", "lots")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("partSize='lots'");
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    @Test
    void oneGibibyte_goesUpAndDown_inA256MiBHeap() throws Exception {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertThat(maxHeap).as("surefire runs this module with -Xmx256m").isLessThanOrEqualTo(256L * MIB);
        try (S3ArtifactStore store = server.store(bucket).build()) {
            GeneratedContent content = new GeneratedContent(1024L * MIB, 7, () -> { });
            StoredObject stored = store.put("big/one-gib.bin", content);
            assertThat(stored.size()).isEqualTo(1024L * MIB);
            assertThat(stored.sha256()).isEqualTo(content.sha256Hex());
            try (InputStream in = store.open("big/one-gib.bin")) {
                assertThat(sha256Of(in)).isEqualTo(stored.sha256());
            }
            store.delete("big/one-gib.bin");
        }
    }
}
