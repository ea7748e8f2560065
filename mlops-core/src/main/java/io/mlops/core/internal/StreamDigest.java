package io.mlops.core.internal;

import java.security.MessageDigest;

/** The SHA-256 of a stream fed in order, on this thread or elsewhere ({@link BackgroundDigest}). */
interface StreamDigest {

    void update(byte b);

    void update(byte[] bytes, int offset, int length);

    /**
     * The digest of everything given so far. Call once.
     *
     * @throws IllegalStateException if hashing failed, so the digest is unknown
     */
    byte[] finish();

    /** Hashes on the caller's thread. */
    static StreamDigest onThisThread() {
        MessageDigest sha256 = Digests.sha256();
        return new StreamDigest() {
            @Override
            public void update(byte b) {
                sha256.update(b);
            }

            @Override
            public void update(byte[] bytes, int offset, int length) {
                sha256.update(bytes, offset, length);
            }

            @Override
            public byte[] finish() {
                return sha256.digest();
            }
        };
    }
}
