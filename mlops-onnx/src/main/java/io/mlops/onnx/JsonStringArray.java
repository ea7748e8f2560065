package io.mlops.onnx;

import io.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the one JSON shape this module reads from model metadata: an array of strings such as
 * {@code ["age","job"]}. Hand-written so the flavor needs no JSON library at run time.
 */
final class JsonStringArray {
    private final String key;
    private final String text;
    private int pos;

    private JsonStringArray(String key, String text) {
        this.key = key;
        this.text = text;
    }

    /**
     * @param key  the metadata key, for error messages
     * @param text the metadata value
     * @throws InvalidArgumentException naming the key and the position if the text is not a JSON array of strings
     */
    static List<String> parse(String key, String text) {
        return new JsonStringArray(key, text).array();
    }

    private List<String> array() {
        List<String> values = new ArrayList<>();
        skipSpace();
        expect('[');
        skipSpace();
        if (peek() == ']') {
            pos++;
        } else {
            while (true) {
                skipSpace();
                values.add(string());
                skipSpace();
                char c = next();
                if (c == ']') {
                    break;
                }
                if (c != ',') {
                    throw error("expected ',' or ']'");
                }
            }
        }
        skipSpace();
        if (pos != text.length()) {
            throw error("unexpected text after the array");
        }
        return List.copyOf(values);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("invalid \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("invalid escape '\\" + e + "'");
            }
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private InvalidArgumentException error(String what) {
        return new InvalidArgumentException("model metadata '" + key + "' must be a JSON array of strings, such as"
                + " [\"a\",\"b\"]; " + what + " at character " + pos + " of '" + text + "'");
    }
}
