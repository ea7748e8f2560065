package io.mlops.core.internal;

import io.mlops.api.InvalidArgumentException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The naming and value rules of the SDK, in one place. Every store receives values that have
 * passed these checks; no adapter repeats them. Messages quote the offending value and state the
 * rule, so a user can fix the call without reading the documentation.
 */
public final class Validation {

    public static final int MAX_EXPERIMENT_NAME = 256;
    public static final int MAX_RUN_NAME = 256;
    public static final int MAX_KEY = 250;
    public static final int MAX_PARAM_VALUE = 6000;
    public static final int MAX_TAG_VALUE = 8000;
    public static final int MAX_MODEL_NAME = 128;
    public static final int MAX_ALIAS = 64;
    public static final int MAX_DESCRIPTION = 5000;
    public static final int MAX_DATASET_NAME = 256;
    public static final int MAX_DIGEST = 256;

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern VERSION_LIKE = Pattern.compile("v[0-9]+");
    private static final Pattern CONTEXT = Pattern.compile("[a-z][a-z0-9_-]*");

    private Validation() {
    }

    public static String experimentName(String name) {
        requireText("experiment name", name, MAX_EXPERIMENT_NAME);
        return name;
    }

    public static String runName(String name) {
        if (name.length() > MAX_RUN_NAME || hasControlCharacter(name)) {
            throw invalid("run name", name, "at most " + MAX_RUN_NAME + " characters without control characters");
        }
        return name;
    }

    /** Param, metric and tag keys. */
    public static String key(String kind, String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY || !onlyKeyChars(key)
                || key.startsWith("/") || key.contains("..")) {
            throw invalid(kind + " key", key, "1-" + MAX_KEY
                    + " characters of letters, digits and _ - . / : or space, not starting with '/' and without '..'");
        }
        return key;
    }

    /**
     * A valid param, metric or tag key made from any text (names from another system's provenance,
     * labels): every character {@link #key} refuses becomes '_', a second '.' of ".." too, a leading
     * '/' as well, and the result is cut to {@value #MAX_KEY} characters; empty text gives "_".
     */
    public static String toKey(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "_";
        }
        StringBuilder key = new StringBuilder(Math.min(raw.length(), MAX_KEY));
        for (int i = 0; i < raw.length() && key.length() < MAX_KEY; i++) {
            char c = raw.charAt(i);
            boolean dotAfterDot = c == '.' && key.length() > 0 && key.charAt(key.length() - 1) == '.';
            key.append(isKeyChar(c) && !dotAfterDot ? c : '_');
        }
        if (key.charAt(0) == '/') {
            key.setCharAt(0, '_');
        }
        return key.toString();
    }

    private static boolean onlyKeyChars(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (!isKeyChar(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == ' ';
    }

    /**
     * {@code value} cut to at most {@code max} characters, the cut marked with {@code ellipsis},
     * never between the two halves of a surrogate pair; unchanged when it fits.
     */
    public static String truncate(String value, int max, String ellipsis) {
        if (value.length() <= max) {
            return value;
        }
        int end = max - ellipsis.length();
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end) + ellipsis;
    }

    /** Longest request id, in characters. */
    public static final int MAX_REQUEST_ID = 128;
    /** Longest recorded outcome label, in characters. */
    public static final int MAX_OUTCOME_LABEL = 1000;

    /** A request id: 1 to {@value #MAX_REQUEST_ID} characters, no control characters. */
    public static String requestId(String requestId) {
        if (requestId == null) {
            throw new InvalidArgumentException("a request id is null; give 1 to " + MAX_REQUEST_ID + " characters");
        }
        if (requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID || hasControlCharacter(requestId)) {
            throw new InvalidArgumentException("request id '" + truncate(requestId, 40, "…") + "' must be 1 to "
                    + MAX_REQUEST_ID + " characters without control characters");
        }
        return requestId;
    }

    /** An outcome recorded for a request: 1 to {@value #MAX_OUTCOME_LABEL} characters. */
    public static String outcomeLabel(String requestId, String label) {
        Objects.requireNonNull(label, "label");
        if (label.isEmpty() || label.length() > MAX_OUTCOME_LABEL) {
            throw new InvalidArgumentException("label for request '" + requestId + "' must be 1 to " + MAX_OUTCOME_LABEL
                    + " characters; got " + label.length());
        }
        return label;
    }

    public static String paramValue(String key, String value) {
        if (value == null || value.length() > MAX_PARAM_VALUE) {
            throw invalid("value of param '" + key + "'", abbreviate(value), "a string of at most " + MAX_PARAM_VALUE + " characters");
        }
        return value;
    }

    public static String tagValue(String key, String value) {
        if (value == null || value.length() > MAX_TAG_VALUE) {
            throw invalid("value of tag '" + key + "'", abbreviate(value), "a string of at most " + MAX_TAG_VALUE + " characters");
        }
        return value;
    }

    public static Map<String, String> tags(Map<String, String> tags) {
        tags.forEach((k, v) -> tagValue(key("tag", k), v));
        return tags;
    }

    public static double metricValue(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new InvalidArgumentException("metric '" + key + "' value " + value
                    + " is not a finite number; metrics must be finite (log a tag to record a diverged run)");
        }
        return value;
    }

    public static long metricStep(String key, long step) {
        if (step < 0) {
            throw invalid("step of metric '" + key + "'", Long.toString(step), "a number of at least 0");
        }
        return step;
    }

    public static String modelName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_MODEL_NAME || !MODEL_NAME.matcher(name).matches()) {
            throw invalid("model name", name, "1-" + MAX_MODEL_NAME
                    + " characters: a letter or digit first, then letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    public static String alias(String alias) {
        if (alias == null || alias.isEmpty() || alias.length() > MAX_ALIAS || !ALIAS.matcher(alias).matches()) {
            throw invalid("alias", alias, "1-" + MAX_ALIAS
                    + " characters: a lowercase letter first, then lowercase letters, digits, '_' or '-'");
        }
        if (alias.equals("latest") || VERSION_LIKE.matcher(alias).matches()) {
            throw invalid("alias", alias, "a name that cannot be read as a version ('latest' and 'v<digits>' are reserved)");
        }
        return alias;
    }

    public static int version(String modelName, int version) {
        if (version < 1) {
            throw invalid("version of model '" + modelName + "'", Integer.toString(version), "a number of at least 1");
        }
        return version;
    }

    public static String description(String description) {
        if (description == null || description.length() > MAX_DESCRIPTION) {
            throw invalid("description", abbreviate(description), "a string of at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    /** Why a governed change is made: required, so the audit trail always says. */
    public static String rationale(String rationale) {
        if (rationale == null || rationale.isBlank() || rationale.length() > MAX_DESCRIPTION) {
            throw invalid("rationale", abbreviate(rationale), "a non-blank reason of at most " + MAX_DESCRIPTION
                    + " characters (it is kept in the version's history and the audit log)");
        }
        return rationale.strip();
    }

    public static String datasetName(String name) {
        requireText("dataset name", name, MAX_DATASET_NAME);
        return name;
    }

    public static String datasetDigest(String digest) {
        requireText("dataset digest", digest, MAX_DIGEST);
        return digest;
    }

    public static String datasetContext(String context) {
        if (context == null || context.length() > MAX_ALIAS || !CONTEXT.matcher(context).matches()) {
            throw invalid("dataset context", context, "1-" + MAX_ALIAS
                    + " characters: a lowercase letter first, then lowercase letters, digits, '_' or '-' (e.g. 'training')");
        }
        return context;
    }

    private static void requireText(String what, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max || hasControlCharacter(value)) {
            throw invalid(what, value, "1-" + max + " characters, not blank, without control characters");
        }
    }

    /** A plain loop rather than a stream: request ids are checked on the scoring path, per call. */
    private static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static InvalidArgumentException invalid(String what, String value, String rule) {
        String shown = value == null ? "null" : "'" + value + "'";
        return new InvalidArgumentException(what + " " + shown + " is invalid: expected " + rule);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= 60 ? s : s.substring(0, 40) + "...(" + s.length() + " characters)";
    }
}
