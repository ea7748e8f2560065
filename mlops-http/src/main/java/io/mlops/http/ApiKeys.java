package io.mlops.http;

import io.mlops.api.InvalidArgumentException;
import io.mlops.core.internal.Digests;
import io.mlops.api.MlopsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys a {@link ScoringHttpServer} accepts, kept only as digests.
 *
 * <p>A key is {@code <keyId>.<secret>}: the key id is public and names the client (in logs, rate
 * limits and metrics); the secret is 32 random bytes, base64url-encoded. The server keeps, per key
 * id, the SHA-256 of the secret and never the secret itself. To check a key it looks the digest up
 * by key id and compares it with the digest of the presented secret using
 * {@link MessageDigest#isEqual} (constant time); an unknown key id is compared against a dummy
 * digest so that the answer takes as long. A plain SHA-256 suffices because secrets are random
 * 256-bit values, not passwords: there is nothing for a slow hash to protect against guessing.
 *
 * <pre>{@code
 * IssuedApiKey issued = ApiKeys.generate("svc-credit");   // once, by an operator
 * // give issued.key() to the client; append issued.line() to /etc/mlops/api-keys
 * ApiKeys keys = ApiKeys.load(Path.of("/etc/mlops/api-keys"));
 * }</pre>
 *
 * <h2>Key file format</h2>
 * UTF-8 text, one key per line as {@code <keyId>=<sha256 hex of the secret>}; blank lines and
 * lines starting with {@code #} are ignored, spaces around either part are trimmed:
 * <pre>
 * # mlops-http API keys
 * svc-credit=5d41402abc4b2a76b9719d911017c592ae6a3e4d0d6bd5c4f6f1e3d0a6c7b1f2
 * </pre>
 * Key ids are 1 to 64 characters of {@code A-Z a-z 0-9 _ -}. A key id may appear once.
 *
 * <p>Immutable and thread-safe; {@link #toString()} lists key ids only.
 */
public final class ApiKeys {
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Compared against when the key id is unknown, so that a miss costs what a hit costs. */
    private static final byte[] DUMMY = new byte[32];

    private final Map<String, byte[]> digests;

    private ApiKeys(Map<String, byte[]> digests) {
        this.digests = digests;
    }

    /**
     * Keys from key id to the lowercase or uppercase hex SHA-256 of each secret.
     *
     * @throws InvalidArgumentException listing every malformed key id or digest, or if empty
     */
    public static ApiKeys of(Map<String, String> sha256ByKeyId) {
        Objects.requireNonNull(sha256ByKeyId, "sha256ByKeyId");
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> digests = new LinkedHashMap<>();
        sha256ByKeyId.forEach((id, hex) -> add(digests, id, hex, "", problems));
        return checked(digests, problems, "the given map");
    }

    /**
     * Parses key file text (see the class comment for the format).
     *
     * @throws InvalidArgumentException naming every bad line by number, or if no key is given
     */
    public static ApiKeys parse(String text) {
        return parse(Objects.requireNonNull(text, "text"), "the key text");
    }

    /**
     * Reads a key file (see the class comment for the format).
     *
     * @throws InvalidArgumentException naming the file and every bad line by number, or if it holds no key
     * @throws MlopsException if the file cannot be read, with the {@link IOException} as cause
     */
    public static ApiKeys load(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MlopsException("cannot read API key file " + file + ": " + e, e);
        }
        return parse(text, "API key file " + file);
    }

    /**
     * Makes a new key with a secret from {@link SecureRandom}. The plain key is in the result
     * and nowhere else.
     *
     * @throws InvalidArgumentException if the key id is not 1 to 64 characters of {@code A-Z a-z 0-9 _ -}
     */
    public static IssuedApiKey generate(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new InvalidArgumentException("key id '" + keyId + "' is invalid; expected 1 to 64 characters of "
                    + "A-Z a-z 0-9 _ -");
        }
        byte[] raw = new byte[SECRET_BYTES];
        RANDOM.nextBytes(raw);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return new IssuedApiKey(keyId, keyId + "." + secret, HexFormat.of().formatHex(sha256(secret)));
    }

    /** The key ids, in the order given. */
    public Set<String> keyIds() {
        return digests.keySet();
    }

    /**
     * The key id of a presented key if it is one of these keys, else null. Takes the same time
     * whether the key id is known or not, and compares digests in constant time.
     */
    String authenticate(String presented) {
        if (presented == null) {
            return null;
        }
        int dot = presented.indexOf('.');
        String id = dot > 0 ? presented.substring(0, dot) : "";
        String secret = dot > 0 ? presented.substring(dot + 1) : presented;
        byte[] expected = digests.get(id);
        boolean match = MessageDigest.isEqual(expected != null ? expected : DUMMY, sha256(secret));
        return match && expected != null && !secret.isEmpty() ? id : null;
    }

    @Override
    public String toString() {
        return "ApiKeys" + digests.keySet();
    }

    private static ApiKeys parse(String text, String source) {
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> digests = new LinkedHashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                problems.add("line " + (i + 1) + " has no '='; expected <keyId>=<sha256 hex>");
                continue;
            }
            add(digests, line.substring(0, eq).strip(), line.substring(eq + 1).strip(), "line " + (i + 1) + ": ",
                    problems);
        }
        return checked(digests, problems, source);
    }

    private static void add(Map<String, byte[]> digests, String id, String hex, String where, List<String> problems) {
        boolean ok = true;
        if (id != null && id.indexOf('.') >= 0) {
            // Never echo it: it looks like a whole key, secret included.
            problems.add(where + "the key id contains '.', so it looks like a whole key; store <keyId>=<sha256 of "
                    + "the secret>, never the key");
            ok = false;
        } else if (id == null || !KEY_ID.matcher(id).matches()) {
            problems.add(where + "key id '" + id + "' is invalid; expected 1 to 64 characters of A-Z a-z 0-9 _ -");
            ok = false;
        }
        if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
            // The digest is not secret, but a mistyped line may hold a plain key: never echo it.
            problems.add(where + "the digest for key id '" + id + "' is not 64 hex digits (it has "
                    + (hex == null ? 0 : hex.length()) + " characters); store the SHA-256 of the secret, not the key");
            ok = false;
        }
        if (ok && digests.putIfAbsent(id, HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT))) != null) {
            problems.add(where + "key id '" + id + "' is given twice");
        }
    }

    private static ApiKeys checked(Map<String, byte[]> digests, List<String> problems, String source) {
        if (problems.isEmpty() && digests.isEmpty()) {
            problems.add("no key is given; no client could call the endpoint");
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid API keys in " + source + ": " + String.join("; ", problems));
        }
        return new ApiKeys(Collections.unmodifiableMap(digests));
    }

    static byte[] sha256(String secret) {
        return Digests.sha256().digest(secret.getBytes(StandardCharsets.UTF_8));
    }
}
