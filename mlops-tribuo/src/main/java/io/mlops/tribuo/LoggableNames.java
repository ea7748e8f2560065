package io.mlops.tribuo;

import io.mlops.core.internal.Validation;
import java.util.Map;

/**
 * Bends names and values from Tribuo (provenance field names, labels, arbitrary configuration
 * strings) into what the tracking store accepts, so that one odd value never fails a whole log
 * call. The rules are core's ({@link Validation#toKey}, {@link Validation#truncate}); this class
 * only keeps keys unique within one log call.
 */
final class LoggableNames {

    static final int MAX_KEY = Validation.MAX_KEY;
    static final int MAX_PARAM_VALUE = Validation.MAX_PARAM_VALUE;
    static final String ELLIPSIS = "…";

    private LoggableNames() {
    }

    /** Replaces every character the store refuses with '_', and trims to the length limit. */
    static String key(String raw) {
        return Validation.toKey(raw);
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
        return Validation.truncate(value, MAX_PARAM_VALUE, ELLIPSIS);
    }
}
