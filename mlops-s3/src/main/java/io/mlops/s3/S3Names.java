package io.mlops.s3;

import io.mlops.api.InvalidArgumentException;
import io.mlops.core.internal.ArtifactKeys;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/** Checks of bucket names, prefixes, endpoints and sizes, with messages that say what is valid. */
final class S3Names {

    /** S3's rules for new buckets: 3 to 63 lowercase letters, digits, dots and hyphens. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private S3Names() {
    }

    static String bucket(String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new InvalidArgumentException("bucket name '" + bucket + "' is not valid: use 3 to 63 lowercase letters,"
                    + " digits, dots and hyphens, starting and ending with a letter or digit");
        }
        return bucket;
    }

    /** A store's prefix inside its bucket: empty, or '/'-separated names under the same rules as artifact keys. */
    static String prefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty()) {
            return prefix;
        }
        try {
            return ArtifactKeys.validate(prefix);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("key prefix '" + prefix + "' of the store is not valid, as a key would not be: "
                    + e.getMessage(), e);
        }
    }

    static URI endpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (endpoint.getRawUserInfo() != null) {
            throw new InvalidArgumentException("endpoint for host '" + endpoint.getHost() + "' carries credentials; give them"
                    + " through the AWS credentials chain or a credentials provider, never in the endpoint");
        }
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new InvalidArgumentException("endpoint '" + redact(endpoint.toString()) + "' is not valid: use http(s)://host[:port]");
        }
        return endpoint;
    }

    /** The URI with anything between the scheme and an '@' removed: it may be user:secret. */
    static String redact(String uri) {
        return uri.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1…@");
    }

    static long size(String name, long bytes, long min, long max) {
        if (bytes < min || bytes > max) {
            throw new InvalidArgumentException(name + " " + bytes + " bytes is outside " + min + ".." + max);
        }
        return bytes;
    }
}
