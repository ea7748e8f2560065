package io.mlops.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a predict body, {@code {"rows": [{...}, ...]}}, into rows a scorer takes: JSON integers
 * become {@link Long} (beyond a long, {@link Double}), other numbers {@link Double}, strings
 * {@link String}, booleans {@link Boolean}, null stays null, arrays of numbers {@code double[]}.
 * Anything else is refused naming the row and the feature.
 *
 * <p>Streaming, so no tree of the body is built beside the rows. Messages may quote what the
 * caller sent (a feature name, a JSON token) but never a value of another request, and hold
 * nothing of Jackson beyond its description of the syntax error and its location.
 */
final class JsonRows {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Our own shape is 4 deep; anything deeper is refused by shape before this bites.
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();
    private static final String SHAPE = "expected {\"rows\": [{\"feature\": value, ...}, ...]}, optionally with"
            + " \"request_ids\": [\"id\", ...], one per row";
    private static final int MAX_QUOTED = 80;
    /** "(start marker at [Source: REDACTED ...; line: 1, column: 11])" and the like. */
    private static final Pattern SOURCE_REFERENCE =
            Pattern.compile("\\s*\\(?(start marker )?at \\[Source:[^\\]]*\\]\\)?|\\[Source:[^\\]]*\\]");

    private JsonRows() {
    }

    /** A predict body: the rows, and the caller's request ids (one per row) when it gave them. */
    record Body(List<Map<String, Object>> rows, List<String> requestIds) {
    }

    static List<Map<String, Object>> read(byte[] body) {
        return readBody(body).rows();
    }

    static Body readBody(byte[] body) {
        if (body.length == 0) {
            throw HttpError.badRequest("malformed_json", "the request body is empty; " + SHAPE);
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw shape("the body is " + describe(p.currentToken()) + ", not a JSON object; " + SHAPE);
            }
            List<Map<String, Object>> rows = null;
            List<String> requestIds = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("rows".equals(field)) {
                    rows = readRows(p);
                } else if ("request_ids".equals(field)) {
                    requestIds = readRequestIds(p);
                } else {
                    throw shape("unknown field '" + quote(field) + "'; " + SHAPE);
                }
            }
            if (p.nextToken() != null) {
                throw HttpError.badRequest("malformed_json", "the body has more after its JSON object"
                        + location(p.currentLocation()));
            }
            if (rows == null) {
                throw shape("the body has no field 'rows'; " + SHAPE);
            }
            if (rows.isEmpty()) {
                throw shape("'rows' is empty; give at least one row");
            }
            if (requestIds != null && requestIds.size() != rows.size()) {
                throw shape("'request_ids' has " + requestIds.size() + " ids for " + rows.size()
                        + " rows; give one id per row, in the same order");
            }
            return new Body(rows, requestIds);
        } catch (StreamConstraintsException e) {
            throw HttpError.badRequest("malformed_json", "the body exceeds a JSON parsing limit (nesting, number or "
                    + "name length)");
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("malformed_json", "the body is not valid JSON: " + describe(e)
                    + location(e.getLocation()));
        } catch (IOException e) {
            // Parsing a byte array does no I/O; this is Jackson's checked exception for odd input.
            throw HttpError.badRequest("malformed_json", "the body cannot be read as JSON");
        }
    }

    private static List<String> readRequestIds(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw shape("'request_ids' is " + describe(p.currentToken()) + ", not an array of strings; " + SHAPE);
        }
        List<String> ids = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw shape("request id " + (ids.size() + 1) + " is " + describe(p.currentToken()) + ", not a string; " + SHAPE);
            }
            ids.add(p.getText());
        }
        return ids;
    }

    private static List<Map<String, Object>> readRows(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw shape("'rows' is " + describe(p.currentToken()) + ", not an array; " + SHAPE);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            int r = rows.size();
            if (t != JsonToken.START_OBJECT) {
                throw shape("row " + r + " is " + describe(t) + ", not an object of features; " + SHAPE);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String feature = p.currentName();
                row.put(feature, value(p, p.nextToken(), r, feature));
            }
            rows.add(row);
        }
        return rows;
    }

    private static Object value(JsonParser p, JsonToken t, int row, String feature) throws IOException {
        switch (t) {
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING:
                return p.getText();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_ARRAY:
                return numbers(p, row, feature);
            default:
                throw HttpError.badRequest("invalid_value", "row " + row + ", feature '" + quote(feature) + "' is "
                        + describe(t) + "; a feature is a number, a string, a boolean or an array of numbers");
        }
    }

    private static double[] numbers(JsonParser p, int row, String feature) throws IOException {
        double[] values = new double[8];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw HttpError.badRequest("invalid_value", "row " + row + ", feature '" + quote(feature) + "' element "
                        + n + " is " + describe(t) + "; an array feature holds numbers only");
            }
            if (n == values.length) {
                values = java.util.Arrays.copyOf(values, 2 * n);
            }
            values[n++] = p.getDoubleValue();
        }
        return java.util.Arrays.copyOf(values, n);
    }

    private static HttpError shape(String message) {
        return HttpError.badRequest("invalid_request", message);
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name().toLowerCase(java.util.Locale.ROOT) : "'" + t.asString() + "'";
        };
    }

    private static String quote(String s) {
        return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "...";
    }

    /** Jackson's description of the syntax error, without its source references. */
    private static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage();
        m = SOURCE_REFERENCE.matcher(m).replaceAll("").replaceAll("\\s+", " ").strip();
        return m.length() <= 200 ? m : m.substring(0, 200) + "...";
    }

    private static String location(JsonLocation at) {
        return at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
