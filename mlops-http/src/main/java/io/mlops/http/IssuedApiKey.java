package io.mlops.http;

import java.util.Objects;

/**
 * A freshly generated API key, as {@link ApiKeys#generate(String)} returns it: the only time the
 * plain key exists. Hand {@link #key()} to the client once, store {@link #line()} in the server's
 * key file, and drop this object.
 *
 * <p>{@link #toString()} masks the secret, so logging this record does not leak it.
 *
 * @param keyId  the public part, which names the client in logs and metrics
 * @param key    the whole key the client sends: {@code <keyId>.<secret>}
 * @param sha256 lowercase hex SHA-256 of the secret part (UTF-8), which is all the server keeps
 */
public record IssuedApiKey(String keyId, String key, String sha256) {

    public IssuedApiKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** The key file line for this key: {@code <keyId>=<sha256>}. */
    public String line() {
        return keyId + "=" + sha256;
    }

    @Override
    public String toString() {
        return "IssuedApiKey[keyId=" + keyId + ", key=" + keyId + ".****, sha256=" + sha256 + "]";
    }
}
