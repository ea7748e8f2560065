package io.mlops.s3;

import io.mlops.api.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An object's bytes that survive a broken connection: when a read fails, the rest of the object
 * is requested again from the byte where it stopped ({@code Range}), only if it is still the same
 * object ({@code If-Match} on its ETag), after a short backoff. Gives up after a number of
 * consecutive failures without progress, with an {@link IOException} that says where it stopped.
 */
final class ResumingObjectStream extends InputStream {

    private static final Logger LOG = LoggerFactory.getLogger(ResumingObjectStream.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final S3Client s3;
    private final String bucket;
    private final String objectKey;
    private final String key;
    private final int attempts;
    private final String eTag;
    private final long length;
    private ResponseInputStream<GetObjectResponse> current;
    private long position;
    private int failuresWithoutProgress;
    private boolean closed;

    ResumingObjectStream(S3Client s3, String bucket, String objectKey, String key,
            ResponseInputStream<GetObjectResponse> first, long length, int attempts) {
        this.s3 = s3;
        this.bucket = bucket;
        this.objectKey = objectKey;
        this.key = key;
        this.attempts = attempts;
        this.current = first;
        this.eTag = first.response().eTag();
        // The recorded size, not the response's: a cut stream then never passes for the end.
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (closed) {
            throw new IOException("stream of artifact '" + key + "' is closed");
        }
        if (count == 0) {
            return 0;
        }
        while (true) {
            IOException failure;
            try {
                int n = current.read(buffer, offset, count);
                if (n > 0) {
                    position += n;
                    failuresWithoutProgress = 0;
                    return n;
                }
                if (n < 0 && position >= length) {
                    return -1;
                }
                failure = new IOException("connection ended at byte " + position + " of " + length);
            } catch (IOException e) {
                failure = e;
            } catch (SdkException e) {
                failure = new IOException(S3Failures.describe(e), e);
            }
            resume(failure);
        }
    }

    private void resume(IOException failure) throws IOException {
        closeQuietly();
        while (true) {
            failuresWithoutProgress++;
            if (failuresWithoutProgress >= attempts) {
                throw new IOException("download of artifact '" + key + "' from s3://" + bucket + "/" + objectKey
                        + " broke at byte " + position + " of " + length + " and could not be resumed after "
                        + attempts + " attempts: " + failure.getMessage(), failure);
            }
            LOG.info("download of artifact '{}' broke at byte {} of {} ({}); resuming", key, position, length,
                    failure.getMessage());
            backoff();
            try {
                ResponseInputStream<GetObjectResponse> rest = s3.getObject(b -> b.bucket(bucket).key(objectKey)
                        .range("bytes=" + position + "-").ifMatch(eTag));
                String range = rest.response().contentRange();
                if (range == null || !range.startsWith("bytes " + position + "-")) {
                    // A server that ignored the Range would send the object from its start again.
                    rest.abort();
                    throw new IOException("the server answered the resumption of '" + key + "' at byte " + position
                            + " with content range " + range + "; it does not support ranged reads");
                }
                current = rest;
                return;
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 404) {
                    throw new IOException(new IntegrityException("artifact '" + key + "' was replaced or removed at s3://"
                            + bucket + "/" + objectKey + " while it was being read (at byte " + position + ")", e));
                }
                failure = new IOException(S3Failures.describe(e), e);
            } catch (SdkException e) {
                failure = new IOException(S3Failures.describe(e), e);
            }
        }
    }

    private void backoff() throws InterruptedIOException {
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(10, failuresWithoutProgress - 1));
        try {
            Thread.sleep(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while resuming the download of '"
                    + key + "'");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    private void closeQuietly() {
        try {
            // abort() drops the connection instead of reading the rest of a broken body.
            current.abort();
            current.close();
        } catch (IOException | RuntimeException ignored) {
            // the connection is already broken; the next request opens another
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (position < length) {
            current.abort(); // reading the unread rest only to reuse the connection would cost more
        }
        current.close();
    }
}
