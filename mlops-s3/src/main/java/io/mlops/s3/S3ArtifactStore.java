package io.mlops.s3;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.core.internal.ArtifactKeys;
import io.mlops.core.internal.ArtifactRecords;
import io.mlops.core.internal.BaseArtifactStore;
import io.mlops.core.internal.Digests;
import io.mlops.core.internal.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Artifacts in an S3 bucket (or an S3-compatible server), through the AWS SDK for Java v2.
 * It behaves like the local store and passes the same contract tests.
 *
 * <pre>{@code
 * ArtifactStore store = S3ArtifactStore.builder("bank-models")
 *         .prefix("mlops")
 *         .region("eu-west-1")
 *         .encryption(S3Encryption.kms("alias/mlops-artifacts"))
 *         .build();
 * // or, through Mlops: .artifacts("s3://bank-models/mlops", Map.of("region", "eu-west-1", "encryption", "sse-kms"))
 * }</pre>
 *
 * <h2>Layout</h2>
 * The bytes of key {@code a/b.onnx} are the object {@code <prefix>/a/b.onnx}, so the bucket can be
 * browsed directly. Its digest record (sha256, size, creation time; the local store's format) is
 * the small object {@code <prefix>/.mlops/meta/a/b.onnx}. An artifact exists exactly when its
 * record does; the record is written last.
 *
 * <h2>Streaming and integrity</h2>
 * Uploads stream: content up to the multipart threshold goes in one PUT, anything larger as a
 * multipart upload of {@code partSize} parts, a few in flight at once, so memory stays at a few
 * parts whatever the size. The sha256 is computed while the bytes stream. A failed upload is
 * aborted, so it leaves no object and no dangling multipart upload (an abort that itself fails,
 * because the server is gone, is retried by the next write and on {@link #close()}; a lifecycle
 * rule {@code AbortIncompleteMultipartUpload} covers a JVM that dies mid-upload). Reads verify the
 * sha256 at the end of the stream and resume a broken download from where it stopped, pinned to
 * the same object version by its ETag.
 *
 * <h2>Checksums on S3-compatible servers</h2>
 * The SDK adds its own request checksums by default ({@code WHEN_SUPPORTED}), which AWS S3 verifies.
 * Some S3-compatible servers (S3Proxy among them) reject those headers; set
 * {@link Builder#checksums(RequestChecksumCalculation) checksums(WHEN_REQUIRED)} for them. The
 * store's own sha256 check on every read applies either way.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Writers of the same key in one JVM are serialised; several processes may share the
 * bucket for reading and for writing different keys, as with the local store.
 */
public final class S3ArtifactStore extends BaseArtifactStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ArtifactStore.class);
    /** S3's smallest part (all but the last). */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's largest part. */
    static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    private static final int MAX_PARTS = 10_000;
    private static final String META = ArtifactKeys.RESERVED + "/meta/";

    private final S3Client s3;
    private final boolean ownsClient;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final String location;
    private final S3Encryption encryption;
    private final Optional<StorageClass> storageClass;
    private final int multipartThreshold;
    private final int partSize;
    private final int partsInFlight;
    private final boolean sendSha256;
    private final int readAttempts;
    private final Clock clock;
    private final ExecutorService partUploads;
    private final ConcurrentHashMap<String, Object> keyLocks = new ConcurrentHashMap<>();
    /** Multipart uploads whose abort failed: upload id to object key. */
    private final ConcurrentHashMap<String, String> abortsOwed = new ConcurrentHashMap<>();

    private S3ArtifactStore(Builder b, S3Client s3, boolean ownsClient, S3Presigner presigner) {
        this.s3 = s3;
        this.ownsClient = ownsClient;
        this.presigner = presigner;
        this.bucket = b.bucket;
        this.prefix = b.prefix;
        this.location = "s3://" + b.bucket + (b.prefix.isEmpty() ? "" : "/" + b.prefix);
        this.encryption = b.encryption;
        this.storageClass = Optional.ofNullable(b.storageClass);
        this.multipartThreshold = (int) b.multipartThreshold;
        this.partSize = (int) b.partSize;
        this.partsInFlight = b.partsInFlight;
        this.sendSha256 = b.checksums == RequestChecksumCalculation.WHEN_SUPPORTED;
        this.readAttempts = b.maxAttempts;
        this.clock = b.clock;
        AtomicInteger threads = new AtomicInteger();
        this.partUploads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mlops-s3-upload-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder for a store in {@code bucket}. */
    public static Builder builder(String bucket) {
        return new Builder(bucket);
    }

    @Override
    public String location() {
        return location;
    }

    /** The bucket this store writes to. */
    public String bucket() {
        return bucket;
    }

    /** The object key of an artifact's bytes, for tools that read the bucket directly. */
    public String objectKey(String key) {
        return withPrefix(ArtifactKeys.validate(key));
    }

    // ---------------------------------------------------------------- writes

    @Override
    protected StoredObject putValidated(String key, InputStream content) {
        if (partUploads.isShutdown()) {
            throw closed(key, null);
        }
        synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
            settleOwedAborts();
            Optional<StoredObject> existing = statValidated(key);
            if (existing.isPresent()) {
                // Write-once: the same bytes again cost a read of the source, not an upload.
                return sameOrConflict(existing.get(), hashOnly(key, content));
            }
            Uploaded uploaded = upload(key, content);
            StoredObject stored = new StoredObject(key, uploaded.sha256, uploaded.size, clock.millis());
            try {
                byte[] record = ArtifactRecords.toJson(stored);
                putObject(withPrefix(recordKey(key)), record, () -> Digests.sha256().digest(record), false,
                        "record the digest of", key);
            } catch (RuntimeException e) {
                // Without its record the object is invisible; removing its bytes is only tidiness.
                try {
                    s3.deleteObject(b -> b.bucket(bucket).key(withPrefix(key)));
                } catch (SdkException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return stored;
        }
    }

    private record Uploaded(String sha256, long size) {
    }

    private Uploaded upload(String key, InputStream content) {
        MessageDigest digest = Digests.sha256();
        byte[] first = readFully(content, multipartThreshold, key);
        digest.update(first, 0, first.length);
        if (first.length < multipartThreshold) {
            putData(key, first, digest);
            return new Uploaded(Digests.hex(digest), first.length);
        }
        return multipart(key, first, content, digest);
    }

    private void putData(String key, byte[] bytes, MessageDigest digest) {
        putObject(withPrefix(key), bytes, () -> cloneOf(digest).digest(), true, "store", key);
    }

    /**
     * One PUT of bytes in memory, encrypted as configured and, when the SDK's checksums are on,
     * with their sha256 for S3 to check on arrival. Artifact bytes get the storage class;
     * records stay STANDARD so they can always be read.
     */
    private void putObject(String objectKey, byte[] bytes, Supplier<byte[]> sha256, boolean artifactBytes, String what,
            String key) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(objectKey)
                .contentLength((long) bytes.length);
        encrypt(request);
        if (artifactBytes) {
            storageClass.ifPresent(request::storageClass);
        }
        if (sendSha256) {
            request.checksumSHA256(Base64.getEncoder().encodeToString(sha256.get()));
        }
        call(what, key, () -> s3.putObject(request.build(),
                body(bytes, bytes.length, artifactBytes ? "application/octet-stream" : "application/json")));
    }

    /** A body read again from the array on a retry, without copying it. */
    private static RequestBody body(byte[] bytes, int length, String contentType) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, contentType);
    }

    private Uploaded multipart(String key, byte[] first, InputStream content, MessageDigest digest) {
        String objectKey = withPrefix(key);
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(objectKey);
        encrypt(create);
        storageClass.ifPresent(create::storageClass);
        String uploadId = call("start the upload of", key, () -> s3.createMultipartUpload(create.build())).uploadId();
        PartsInFlight inFlight = new PartsInFlight(partsInFlight);
        List<Future<CompletedPart>> parts = new ArrayList<>();
        boolean completed = false;
        try {
            long size = first.length;
            parts.add(submitPart(key, objectKey, uploadId, 1, first, first.length, inFlight));
            while (true) {
                inFlight.throwIfFailed(); // a broken upload stops reading the source at once
                byte[] part = readFully(content, partSize, key);
                if (part.length == 0) {
                    break;
                }
                if (parts.size() == MAX_PARTS) {
                    throw new InvalidArgumentException("artifact '" + key + "' is larger than " + MAX_PARTS + " parts of "
                            + partSize + " bytes; raise partSize");
                }
                digest.update(part, 0, part.length);
                size += part.length;
                parts.add(submitPart(key, objectKey, uploadId, parts.size() + 1, part, part.length, inFlight));
                if (part.length < partSize) {
                    break;
                }
            }
            List<CompletedPart> done = new ArrayList<>(parts.size());
            for (Future<CompletedPart> part : parts) {
                done.add(awaitPart(key, part));
            }
            call("complete the upload of", key, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(objectKey)
                    .uploadId(uploadId).multipartUpload(u -> u.parts(done))));
            completed = true;
            return new Uploaded(Digests.hex(digest), size);
        } finally {
            if (!completed) {
                // Parts still being sent are let finish, not interrupted: a part the server is still
                // receiving when the abort lands may be stored after it (S3 documents this), and an
                // interrupted client does not stop the server. At most partsInFlight are left.
                inFlight.awaitIdle();
                // An interrupted caller must still get its upload aborted: the SDK refuses to start
                // a request on an interrupted thread.
                boolean interrupted = Thread.interrupted();
                abort(uploadId, objectKey);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Bounds the parts of one upload in flight and remembers the first that failed. */
    private static final class PartsInFlight {
        private final Semaphore permits;
        private final int size;
        private final AtomicReference<RuntimeException> failure =
                new AtomicReference<>();

        PartsInFlight(int size) {
            this.size = size;
            this.permits = new Semaphore(size);
        }

        void acquire(String key) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlopsException("interrupted while uploading artifact '" + key + "'", e);
            }
            try {
                throwIfFailed();
            } catch (RuntimeException e) {
                permits.release();
                throw e;
            }
        }

        void release() {
            permits.release();
        }

        void failed(RuntimeException e) {
            failure.compareAndSet(null, e);
        }

        void throwIfFailed() {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        }

        void awaitIdle() {
            boolean interrupted = Thread.interrupted();
            try {
                if (permits.tryAcquire(size, 60, TimeUnit.SECONDS)) {
                    permits.release(size);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private Future<CompletedPart> submitPart(String key, String objectKey, String uploadId, int number, byte[] bytes,
            int length, PartsInFlight inFlight) {
        inFlight.acquire(key);
        try {
            return partUploads.submit(() -> {
                try {
                    UploadPartRequest request = UploadPartRequest.builder().bucket(bucket).key(objectKey)
                            .uploadId(uploadId).partNumber(number).contentLength((long) length).build();
                    String eTag = call("upload part " + number + " of", key,
                            () -> s3.uploadPart(request, body(bytes, length, "application/octet-stream"))).eTag();
                    return CompletedPart.builder().partNumber(number).eTag(eTag).build();
                } catch (RuntimeException e) {
                    inFlight.failed(e);
                    throw e;
                } finally {
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.release();
            throw closed(key, e);
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    private static CompletedPart awaitPart(String key, Future<CompletedPart> part) {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted while uploading artifact '" + key + "'", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new MlopsException("upload of artifact '" + key + "' failed: " + e.getCause(), e.getCause());
        }
    }

    private void abort(String uploadId, String objectKey) {
        try {
            s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(objectKey).uploadId(uploadId).build());
        } catch (SdkException e) {
            abortsOwed.put(uploadId, objectKey);
            LOG.warn("could not abort multipart upload {} of s3://{}/{} ({}); will retry on the next write and on close",
                    uploadId, bucket, objectKey, S3Failures.describe(e));
        }
    }

    private void settleOwedAborts() {
        for (Map.Entry<String, String> owed : abortsOwed.entrySet()) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(owed.getValue()).uploadId(owed.getKey()));
                abortsOwed.remove(owed.getKey());
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    abortsOwed.remove(owed.getKey()); // already gone
                } else {
                    return;
                }
            } catch (SdkException e) {
                return; // still unreachable: try again later
            }
        }
    }

    /** Multipart uploads under this store's prefix that were started and neither completed nor aborted. */
    public List<String> incompleteUploads() {
        List<String> ids = new ArrayList<>();
        call("list incomplete uploads in", location, () -> {
            for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix.isEmpty() ? null : prefix + "/"))) {
                page.uploads().stream().map(MultipartUpload::uploadId).forEach(ids::add);
            }
            return null;
        });
        return ids;
    }

    private StoredObject sameOrConflict(StoredObject existing, Uploaded candidate) {
        if (existing.sha256().equals(candidate.sha256)) {
            return existing;
        }
        throw new AlreadyExistsException("artifact '" + existing.key() + "' already exists with sha256 " + existing.sha256()
                + "; artifacts are write-once, so different content (sha256 " + candidate.sha256 + ") needs a new key");
    }

    private Uploaded hashOnly(String key, InputStream content) {
        MessageDigest digest = Digests.sha256();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        try {
            for (int n; (n = content.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw sourceFailed(key, e);
        }
        return new Uploaded(Digests.hex(digest), size);
    }

    private void encrypt(PutObjectRequest.Builder request) {
        encrypt(request::serverSideEncryption, request::ssekmsKeyId);
    }

    private void encrypt(CreateMultipartUploadRequest.Builder request) {
        encrypt(request::serverSideEncryption, request::ssekmsKeyId);
    }

    /** The same headers on every kind of write; the SDK's request builders share no interface for them. */
    private void encrypt(Consumer<ServerSideEncryption> algorithm, Consumer<String> kmsKeyId) {
        switch (encryption.kind()) {
            case NONE -> { }
            case S3_MANAGED -> algorithm.accept(ServerSideEncryption.AES256);
            case KMS -> {
                algorithm.accept(ServerSideEncryption.AWS_KMS);
                encryption.kmsKeyId().ifPresent(kmsKeyId);
            }
        }
    }

    // ----------------------------------------------------------------- reads

    @Override
    protected InputStream openValidated(String key) {
        StoredObject object = statValidated(key).orElseThrow(() -> new NotFoundException(
                "artifact '" + key + "' does not exist in " + location));
        String objectKey = withPrefix(key);
        ResponseInputStream<GetObjectResponse> first;
        try {
            first = s3.getObject(GetObjectRequest.builder().bucket(bucket).key(objectKey).build());
        } catch (NoSuchKeyException e) {
            throw new IntegrityException("artifact '" + key + "' is recorded (sha256 " + object.sha256()
                    + ") but its object s3://" + bucket + "/" + objectKey + " is missing", e);
        } catch (SdkException e) {
            throw S3Failures.map(e, "open", key, location);
        }
        return new VerifyingInputStream(new ResumingObjectStream(s3, bucket, objectKey, key, first, object.size(), readAttempts),
                key, object.sha256(), object.size());
    }

    @Override
    protected Optional<StoredObject> statValidated(String key) {
        try {
            byte[] json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(withPrefix(recordKey(key)))).asByteArray();
            return Optional.of(ArtifactRecords.fromJson(key, json));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw S3Failures.map(e, "read the record of", key, location);
        }
    }

    @Override
    protected List<StoredObject> listValidated(String keyPrefix) {
        String recordPrefix = withPrefix(recordKey(keyPrefix));
        int strip = withPrefix(META).length();
        List<StoredObject> objects = new ArrayList<>();
        call("list", keyPrefix, () -> {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(recordPrefix))) {
                for (S3Object record : page.contents()) {
                    // Some servers list folder markers ("a/") beside the objects under them.
                    if (!record.key().endsWith("/")) {
                        statValidated(record.key().substring(strip)).ifPresent(objects::add);
                    }
                }
            }
            return null;
        });
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    protected boolean deleteValidated(String key) {
        synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
            boolean existed = statValidated(key).isPresent();
            // Record first, so the artifact disappears in one step.
            call("delete", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(withPrefix(recordKey(key)))));
            call("delete", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(withPrefix(key))));
            return existed;
        }
    }

    /** Signed with this store's credentials, so a link can never grant more than they do. */
    @Override
    protected Optional<URI> signedDownloadUrl(String key, Duration validFor) {
        URL url = call("sign a download link for", key, () -> presigner.presignGetObject(b -> b.signatureDuration(validFor)
                .getObjectRequest(r -> r.bucket(bucket).key(withPrefix(key)))).url());
        try {
            return Optional.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            // The message would quote the signed URL, a bearer credential: keep only the reason.
            throw new IllegalStateException("the SDK signed a download link for '" + key + "' that is not a valid URI: "
                    + e.getReason());
        }
    }

    @Override
    public void close() {
        settleOwedAborts();
        if (!abortsOwed.isEmpty()) {
            LOG.warn("{} multipart upload(s) in {} could not be aborted: {}; a bucket lifecycle rule"
                    + " AbortIncompleteMultipartUpload removes them", abortsOwed.size(), location, abortsOwed.keySet());
        }
        partUploads.shutdownNow();
        presigner.close();
        if (ownsClient) {
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "S3ArtifactStore[" + location + "]";
    }

    // --------------------------------------------------------------- helpers

    private String withPrefix(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    private static String recordKey(String key) {
        return META + key;
    }

    private <T> T call(String what, String key, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw S3Failures.map(e, what, key, location);
        }
    }

    private static byte[] readFully(InputStream content, int limit, String key) {
        try {
            return content.readNBytes(limit);
        } catch (IOException e) {
            throw sourceFailed(key, e);
        }
    }

    private MlopsException closed(String key, Exception cause) {
        return new MlopsException("cannot store '" + key + "' in " + location + ": the store is closed", cause);
    }

    private static MlopsException sourceFailed(String key, IOException e) {
        return new MlopsException("cannot read the content to store as '" + key + "': " + e.getMessage(), e);
    }

    private static MessageDigest cloneOf(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    /**
     * Configures an {@link S3ArtifactStore}. Every setting has a default except the bucket.
     *
     * <pre>{@code
     * S3ArtifactStore store = S3ArtifactStore.builder("bank-models")
     *         .prefix("mlops/prod")
     *         .endpoint(URI.create("https://minio.internal:9000")).pathStyle(true)
     *         .checksums(RequestChecksumCalculation.WHEN_REQUIRED)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final String bucket;
        private String prefix = "";
        private String region;
        private URI endpoint;
        private boolean pathStyle;
        private AwsCredentialsProvider credentials;
        private S3Encryption encryption = S3Encryption.none();
        private StorageClass storageClass;
        private long multipartThreshold = 16L * 1024 * 1024;
        private long partSize = 8L * 1024 * 1024;
        private int partsInFlight = 2;
        private RequestChecksumCalculation checksums = RequestChecksumCalculation.WHEN_SUPPORTED;
        private int maxAttempts = 4;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();
        private S3Client client;
        private Consumer<ClientOverrideConfiguration.Builder> clientOverrides = b -> { };

        private Builder(String bucket) {
            this.bucket = S3Names.bucket(bucket);
        }

        /** Key prefix inside the bucket ({@code mlops/prod}); no leading or trailing '/'. */
        public Builder prefix(String prefix) {
            this.prefix = S3Names.prefix(prefix);
            return this;
        }

        /** The AWS region; by default the SDK's region chain, or {@code us-east-1} for a custom endpoint. */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** An S3-compatible server's address instead of AWS's. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = S3Names.endpoint(endpoint);
            return this;
        }

        /** Path-style addressing ({@code host/bucket/key}), which most S3-compatible servers need. */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** Where credentials come from; by default the SDK's default chain (environment, profile, instance role…). */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public Builder encryption(S3Encryption encryption) {
            this.encryption = Objects.requireNonNull(encryption, "encryption");
            return this;
        }

        /**
         * The storage class of artifact bytes (records stay STANDARD). Archive classes that need a
         * restore before reading (GLACIER, DEEP_ARCHIVE) are refused: the store must be able to read
         * what it wrote.
         */
        public Builder storageClass(StorageClass storageClass) {
            Objects.requireNonNull(storageClass, "storageClass");
            if (storageClass == StorageClass.GLACIER || storageClass == StorageClass.DEEP_ARCHIVE
                    || storageClass == StorageClass.UNKNOWN_TO_SDK_VERSION) {
                throw new InvalidArgumentException("storage class " + storageClass + " cannot be read back without a restore;"
                        + " use one of STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, REDUCED_REDUNDANCY");
            }
            this.storageClass = storageClass;
            return this;
        }

        /** Content of at least this many bytes goes as a multipart upload (default 16 MiB). */
        public Builder multipartThreshold(long bytes) {
            this.multipartThreshold = S3Names.size("multipartThreshold", bytes, MIN_PART_SIZE, Integer.MAX_VALUE - 8);
            return this;
        }

        /** Size of each multipart part (default 8 MiB, 5 MiB at least). Memory use is a few parts. */
        public Builder partSize(long bytes) {
            this.partSize = S3Names.size("partSize", bytes, MIN_PART_SIZE, Integer.MAX_VALUE - 8);
            return this;
        }

        /** Parts of one upload sent at the same time (default 2). */
        public Builder partsInFlight(int parts) {
            if (parts < 1 || parts > 16) {
                throw new InvalidArgumentException("partsInFlight " + parts + " must be between 1 and 16");
            }
            this.partsInFlight = parts;
            return this;
        }

        /**
         * The SDK's request checksums: {@code WHEN_SUPPORTED} (default, for AWS S3) or
         * {@code WHEN_REQUIRED} for S3-compatible servers that reject them.
         */
        public Builder checksums(RequestChecksumCalculation checksums) {
            this.checksums = Objects.requireNonNull(checksums, "checksums");
            return this;
        }

        /** Attempts per request, the first included, with the SDK's backoff between them (default 4). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 20) {
                throw new InvalidArgumentException("maxAttempts " + attempts + " must be between 1 and 20");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** How long to wait for a connection to the endpoint (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new InvalidArgumentException("connectTimeout " + timeout + " must be positive");
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** The clock for creation times (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Further settings of the SDK client, applied after the store's own (retries): metric
         * publishers, execution interceptors for tracing, timeouts.
         */
        public Builder clientOverrides(Consumer<ClientOverrideConfiguration.Builder> overrides) {
            this.clientOverrides = Objects.requireNonNull(overrides, "overrides");
            return this;
        }

        /**
         * A client configured by the application, used as it is and not closed by the store; the
         * connection settings of this builder then do not apply to it. Download links are still
         * signed from this builder's region, endpoint, path style and credentials, and the
         * sha256 header follows {@link #checksums}: set them to match the client.
         */
        public Builder client(S3Client client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Builds the store and checks that the bucket can be reached with the credentials.
         *
         * @throws NotFoundException if the bucket does not exist
         * @throws io.mlops.api.StoreUnavailableException if the endpoint cannot be reached
         * @throws MlopsException if the credentials are refused
         */
        public S3ArtifactStore build() {
            if (partSize > multipartThreshold) {
                throw new InvalidArgumentException("partSize " + partSize + " must not exceed multipartThreshold "
                        + multipartThreshold);
            }
            Region resolvedRegion = resolveRegion();
            AwsCredentialsProvider provider = credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
            S3Configuration service = S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build();
            boolean owns = client == null;
            S3Client s3 = client;
            if (s3 == null) {
                var builder = S3Client.builder()
                        .region(resolvedRegion)
                        .credentialsProvider(provider)
                        .forcePathStyle(pathStyle)
                        .requestChecksumCalculation(checksums)
                        .responseChecksumValidation(checksums == RequestChecksumCalculation.WHEN_SUPPORTED
                                ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED)
                        .httpClientBuilder(ApacheHttpClient.builder()
                                .connectionTimeout(connectTimeout)
                                .maxConnections(Math.max(16, partsInFlight * 4)))
                        .overrideConfiguration(c -> clientOverrides.accept(c.retryStrategy(
                                AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build())));
                if (endpoint != null) {
                    builder.endpointOverride(endpoint);
                }
                s3 = builder.build();
            }
            var presignerBuilder = S3Presigner.builder().region(resolvedRegion).credentialsProvider(provider)
                    .serviceConfiguration(service);
            if (endpoint != null) {
                presignerBuilder.endpointOverride(endpoint);
            }
            S3Presigner presigner = presignerBuilder.build();
            S3ArtifactStore store = new S3ArtifactStore(this, s3, owns, presigner);
            try {
                S3Client probe = s3;
                store.call("reach bucket '" + bucket + "' for", store.location, () -> probe.headBucket(b -> b.bucket(bucket)));
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }

        private Region resolveRegion() {
            if (region != null) {
                return Region.of(region);
            }
            try {
                return new DefaultAwsRegionProviderChain().getRegion();
            } catch (SdkException e) {
                if (endpoint != null) {
                    return Region.US_EAST_1; // S3-compatible servers mostly ignore it, but signing needs one
                }
                throw new InvalidArgumentException("no AWS region for bucket '" + bucket + "': set the region option,"
                        + " AWS_REGION, or a region in the AWS profile", e);
            }
        }
    }
}
