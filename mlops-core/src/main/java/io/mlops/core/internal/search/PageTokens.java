package io.mlops.core.internal.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.OrderKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Opaque page tokens: base64url of {@code {"v":1,"offset":n,"q":"<fingerprint>"}}. The fingerprint
 * ties a token to the search that produced it, so a token replayed against another search (or
 * edited) is refused instead of silently returning a wrong page.
 */
final class PageTokens {

    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKEN_LENGTH = 512;

    private PageTokens() {
    }

    /**
     * A short digest of the parsed search: two searches that only differ in spacing, keyword case or
     * prefix aliases share it; any difference in meaning changes it.
     */
    static String fingerprint(List<String> experimentIds, List<Comparison> filter, List<OrderKey> order, int pageSize) {
        // JSON, so that values containing separators cannot make two different searches look alike.
        ArrayNode normalized = JSON.createArrayNode();
        experimentIds.stream().sorted().forEach(normalized.addArray()::add);
        ArrayNode clauses = normalized.addArray();
        for (Comparison c : filter) {
            ArrayNode clause = clauses.addArray().add(c.field().entity().name()).add(c.field().key()).add(c.operator().name());
            c.values().forEach(v -> clause.add(v.getClass().getSimpleName() + ":" + v));
        }
        ArrayNode keys = normalized.addArray();
        for (OrderKey k : order) {
            keys.addArray().add(k.field().entity().name()).add(k.field().key()).add(k.ascending());
        }
        normalized.add(pageSize);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalized.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static String encode(int offset, String fingerprint) {
        ObjectNode node = JSON.createObjectNode().put("v", VERSION).put("offset", offset).put("q", fingerprint);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a token names, after checking it was issued for this search. */
    static int decode(String token, String fingerprint, int pageSize) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw invalid(token, "it is not a token returned by searchRuns");
        }
        JsonNode node;
        try {
            node = JSON.readTree(Base64.getUrlDecoder().decode(token));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid(token, "it is not a token returned by searchRuns");
        }
        if (node == null || !node.isObject() || !node.path("v").isInt() || !node.path("offset").isInt()
                || !node.path("q").isTextual()) {
            throw invalid(token, "it is not a token returned by searchRuns");
        }
        if (node.get("v").intValue() != VERSION) {
            throw invalid(token, "it has version " + node.get("v").intValue() + ", this SDK reads version " + VERSION);
        }
        if (!node.get("q").textValue().equals(fingerprint)) {
            throw invalid(token, "it belongs to a search with other experiments, filter, order or page size");
        }
        int offset = node.get("offset").intValue();
        if (offset <= 0 || offset % pageSize != 0) {
            throw invalid(token, "its offset " + offset + " is not a page boundary for page size " + pageSize);
        }
        return offset;
    }

    private static InvalidArgumentException invalid(String token, String why) {
        String shown = token == null ? "null" : "'" + (token.length() > 60 ? token.substring(0, 57) + "..." : token) + "'";
        return new InvalidArgumentException("page token " + shown + " is invalid: " + why
                + "; repeat the search without a token to start from the first page");
    }
}
