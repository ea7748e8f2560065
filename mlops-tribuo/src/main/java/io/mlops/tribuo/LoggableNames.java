package io.mlops.tribuo;

import java.util.Map;

/**
 * Bends names and values from Tribuo (provenance field names, labels, arbitrary configuration
 * strings) into what the tracking store accepts, so that one odd value never fails a whole log
 * call. The rules mirror the SDK's validation: keys of 1-250 ASCII letters, digits and
 * {@code _ - . / :} or space, not starting with '/' and without "..", param values of at most 6000
 * characters.
 */
final class LoggableNames {

    static final int MAX_KEY = 250;
    static final int MAX_PARAM_VALUE = 6000;
    static final String ELLIPSIS = "…";

    private LoggableNames() {
    }

    /** Replaces every character the store refuses with '_', and trims to the length limit. */
    static String key(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "_";
        }
        StringBuilder key = new StringBuilder(Math.min(raw.length(), MAX_KEY));
        for (int i = 0; i < raw.length() && key.length() < MAX_KEY; i++) {
            char c = raw.charAt(i);
            boolean dotAfterDot = c == '.' && key.length() > 0 && key.charAt(key.length() - 1) == '.';
            key.append(allowed(c) && !dotAfterDot ? c : '_');
        }
        if (key.charAt(0) == '/') {
            key.setCharAt(0, '_');
        }
        return key.toString();
    }

    /** Adds {@code value} under the sanitized {@code rawKey}, suffixing {@code _2}, {@code _3}... when sanitizing made two keys equal. */
    static <V> String putUnique(Map<String, V> target, String rawKey, V value) {
        String key = key(rawKey);
        String unique = key;
        for (int n = 2; target.containsKey(unique); n++) {
            String suffix = "_" + n;
            unique = key.substring(0, Math.min(key.length(), MAX_KEY - suffix.length())) + suffix;
        }
        target.put(unique, value);
        return unique;
    }

    /** Cuts an over-long value to the limit, marking the cut with a trailing ellipsis. */
    static String paramValue(String value) {
        if (value.length() <= MAX_PARAM_VALUE) {
            return value;
        }
        int end = MAX_PARAM_VALUE - ELLIPSIS.length();
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--; // never split a surrogate pair: half a character is not valid text
        }
        return value.substring(0, end) + ELLIPSIS;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == ' ';
    }
}
