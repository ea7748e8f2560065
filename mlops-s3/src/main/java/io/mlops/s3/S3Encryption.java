package io.mlops.s3;

import io.mlops.api.InvalidArgumentException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How S3 encrypts the objects the store writes (server-side encryption, requested on every
 * upload; bucket policies may require it).
 *
 * <pre>{@code
 * S3Encryption.kms("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-…") // a customer-managed key
 * S3Encryption.s3Managed()                                            // SSE-S3, AES-256
 * }</pre>
 *
 * @param kind     none, SSE-S3 or SSE-KMS
 * @param kmsKeyId the KMS key id or ARN for {@link Kind#KMS}; empty means the account's AWS-managed key
 */
public record S3Encryption(Kind kind, Optional<String> kmsKeyId) {

    /** The server-side encryption modes. */
    public enum Kind {
        /** No encryption header is sent: the bucket's default encryption applies. */
        NONE,
        /** SSE-S3: keys managed by S3 ({@code AES256}). */
        S3_MANAGED,
        /** SSE-KMS: keys in AWS KMS ({@code aws:kms}). */
        KMS
    }

    public S3Encryption {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(kmsKeyId, "kmsKeyId");
        if (kind != Kind.KMS && kmsKeyId.isPresent()) {
            throw new InvalidArgumentException("a KMS key id (" + kmsKeyId.get() + ") was given for encryption " + kind
                    + "; a key id applies only to KMS");
        }
        if (kmsKeyId.isPresent() && kmsKeyId.get().isBlank()) {
            throw new InvalidArgumentException("KMS key id must not be blank; leave it out to use the AWS-managed key");
        }
    }

    public static S3Encryption none() {
        return new S3Encryption(Kind.NONE, Optional.empty());
    }

    public static S3Encryption s3Managed() {
        return new S3Encryption(Kind.S3_MANAGED, Optional.empty());
    }

    /** SSE-KMS with the account's AWS-managed key ({@code aws/s3}). */
    public static S3Encryption kms() {
        return new S3Encryption(Kind.KMS, Optional.empty());
    }

    /** SSE-KMS with the given key id, alias or ARN. */
    public static S3Encryption kms(String keyId) {
        return new S3Encryption(Kind.KMS, Optional.of(Objects.requireNonNull(keyId, "keyId")));
    }

    /**
     * Parses the option form: {@code none}, {@code sse-s3} (or {@code AES256}), {@code sse-kms}
     * (or {@code aws:kms}), with the key id given separately.
     */
    static S3Encryption parse(String value, String kmsKeyId) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "none" -> withKey(none(), kmsKeyId, value);
            case "sse-s3", "aes256" -> withKey(s3Managed(), kmsKeyId, value);
            case "sse-kms", "aws:kms" -> kmsKeyId == null ? kms() : kms(kmsKeyId);
            default -> throw new InvalidArgumentException("encryption '" + value
                    + "' is not known; use none, sse-s3 or sse-kms (with kmsKeyId for a customer-managed key)");
        };
    }

    private static S3Encryption withKey(S3Encryption encryption, String kmsKeyId, String value) {
        if (kmsKeyId != null) {
            throw new InvalidArgumentException("kmsKeyId is set but encryption is '" + value + "'; use encryption=sse-kms");
        }
        return encryption;
    }
}
