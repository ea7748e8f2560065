package io.mlops.s3;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.spi.ArtifactStoreProvider;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Opens {@code s3://bucket[/prefix]} artifact stores, found through {@link java.util.ServiceLoader}
 * when this module is on the class path.
 *
 * <p>Options, from the options map or the URI's query ({@code s3://b/p?region=eu-west-1}), the map
 * winning: {@code region}, {@code endpoint}, {@code pathStyle} (true/false), {@code profile} (an
 * AWS profile name; otherwise the SDK's default credentials chain), {@code encryption}
 * (none, sse-s3, sse-kms), {@code kmsKeyId}, {@code storageClass}, {@code checksums}
 * (when_supported, when_required), {@code multipartThreshold} and {@code partSize} (bytes, or with
 * KiB/MiB/GiB), {@code partsInFlight}, {@code maxAttempts}, {@code connectTimeout} (ISO-8601,
 * e.g. PT5S). Credentials are never taken from the URI or the options.
 */
public final class S3ArtifactStoreProvider implements ArtifactStoreProvider {

    static final Set<String> OPTIONS = Set.of("region", "endpoint", "pathStyle", "profile", "encryption", "kmsKeyId",
            "storageClass", "checksums", "multipartThreshold", "partSize", "partsInFlight", "maxAttempts", "connectTimeout");

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public boolean supports(String uri) {
        return uri.startsWith("s3://");
    }

    @Override
    public ArtifactStore open(String uri, Map<String, String> options) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            // Neither the URI nor the parser's message (which quotes it) is repeated: it may hold a secret.
            throw new InvalidArgumentException("artifact URI '" + S3Names.redact(uri) + "' is not valid (" + e.getReason()
                    + " at index " + e.getIndex() + "); expected s3://bucket[/prefix]");
        }
        if (parsed.getRawUserInfo() != null || parsed.getRawAuthority() != null && parsed.getRawAuthority().contains("@")) {
            throw new InvalidArgumentException("artifact URI '" + S3Names.redact(uri) + "' carries credentials;"
                    + " give them through the AWS credentials chain or a profile, never in the URI");
        }
        String bucket = parsed.getHost();
        if (bucket == null) {
            throw new InvalidArgumentException("artifact URI '" + S3Names.redact(uri) + "' names no valid bucket;"
                    + " expected s3://bucket[/prefix] with a bucket of lowercase letters, digits, dots and hyphens");
        }
        String path = parsed.getPath() == null ? "" : parsed.getPath();
        String prefix = path.startsWith("/") ? path.substring(1) : path;
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        Map<String, String> all = new TreeMap<>(query(parsed));
        all.putAll(options);
        for (String name : all.keySet()) {
            if (!OPTIONS.contains(name)) {
                throw new InvalidArgumentException("option '" + name + "' of s3://" + bucket + " is not known; known: "
                        + new TreeSet<>(OPTIONS));
            }
        }
        S3ArtifactStore.Builder builder = S3ArtifactStore.builder(bucket).prefix(prefix);
        ifSet(all, "region", builder::region);
        ifSet(all, "endpoint", v -> builder.endpoint(URI.create(v)));
        ifSet(all, "pathStyle", v -> builder.pathStyle(bool("pathStyle", v)));
        ifSet(all, "profile", v -> builder.credentials(ProfileCredentialsProvider.create(v)));
        if (all.containsKey("encryption") || all.containsKey("kmsKeyId")) {
            builder.encryption(S3Encryption.parse(all.getOrDefault("encryption", "sse-kms"), all.get("kmsKeyId")));
        }
        ifSet(all, "storageClass", v -> builder.storageClass(storageClass(v)));
        ifSet(all, "checksums", v -> builder.checksums(checksums(v)));
        ifSet(all, "multipartThreshold", v -> builder.multipartThreshold(bytes("multipartThreshold", v)));
        ifSet(all, "partSize", v -> builder.partSize(bytes("partSize", v)));
        ifSet(all, "partsInFlight", v -> builder.partsInFlight((int) number("partsInFlight", v)));
        ifSet(all, "maxAttempts", v -> builder.maxAttempts((int) number("maxAttempts", v)));
        ifSet(all, "connectTimeout", v -> builder.connectTimeout(duration("connectTimeout", v)));
        return builder.build();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new TreeMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidArgumentException("query part '" + pair + "' of the artifact URI is not name=value");
            }
            query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static void ifSet(Map<String, String> options, String name, java.util.function.Consumer<String> apply) {
        String value = options.get(name);
        if (value != null) {
            apply.accept(value);
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidArgumentException("option " + name + "='" + value + "' must be true or false");
        };
    }

    private static StorageClass storageClass(String value) {
        StorageClass parsed = StorageClass.fromValue(value.toUpperCase(Locale.ROOT));
        if (parsed == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw new InvalidArgumentException("storageClass '" + value + "' is not an S3 storage class, e.g. STANDARD,"
                    + " STANDARD_IA, INTELLIGENT_TIERING");
        }
        return parsed;
    }

    private static RequestChecksumCalculation checksums(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "when_supported" -> RequestChecksumCalculation.WHEN_SUPPORTED;
            case "when_required" -> RequestChecksumCalculation.WHEN_REQUIRED;
            default -> throw new InvalidArgumentException("checksums '" + value + "' must be when_supported (AWS S3)"
                    + " or when_required (S3-compatible servers that reject the SDK's checksums)");
        };
    }

    static long bytes(String name, String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        for (var suffix : Map.of("KIB", 1L << 10, "MIB", 1L << 20, "GIB", 1L << 30).entrySet()) {
            if (v.endsWith(suffix.getKey())) {
                unit = suffix.getValue();
                v = v.substring(0, v.length() - suffix.getKey().length()).trim();
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(v), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidArgumentException("option " + name + "='" + value + "' is not a size; use bytes or e.g. 8MiB", e);
        }
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("option " + name + "='" + value + "' is not a whole number", e);
        }
    }

    private static Duration duration(String name, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new InvalidArgumentException("option " + name + "='" + value + "' is not an ISO-8601 duration such as PT5S", e);
        }
    }
}
