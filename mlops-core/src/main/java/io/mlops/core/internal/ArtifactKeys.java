package io.mlops.core.internal;

import io.mlops.api.InvalidArgumentException;

/** The rules for artifact keys, shared by every artifact store (see {@code ArtifactStore}). */
public final class ArtifactKeys {

    public static final int MAX_LENGTH = 1024;
    /** Top-level segment reserved for the stores' own bookkeeping. */
    public static final String RESERVED = ".mlops";

    private ArtifactKeys() {
    }

    public static String validate(String key) {
        String problem = problem(key);
        if (problem != null) {
            throw new InvalidArgumentException("artifact key '" + key + "' is invalid: " + problem
                    + "; expected a relative path of '/'-separated names such as 'runs/<run id>/model.onnx'");
        }
        return key;
    }

    /** A key prefix for listing: empty, or a valid key optionally followed by '/'. */
    public static String validatePrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidArgumentException("artifact key prefix is null; use \"\" to list everything");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String problem = problem(body);
        if (problem != null) {
            throw new InvalidArgumentException("artifact key prefix '" + prefix + "' is invalid: " + problem);
        }
        return prefix;
    }

    private static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "it is empty";
        }
        if (key.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        if (key.startsWith("/")) {
            return "it starts with '/'";
        }
        if (key.indexOf('\\') >= 0) {
            return "it contains a backslash";
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            return "it contains a control character";
        }
        String[] segments = key.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return "it has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "it has a '" + segment + "' segment";
            }
        }
        if (segments[0].equals(RESERVED)) {
            return "'" + RESERVED + "' is reserved for the store's own use";
        }
        return null;
    }

    /** {@code file}'s path below {@code base} with '/' separators, whatever the platform's, as keys use them. */
    public static String relativePath(java.nio.file.Path base, java.nio.file.Path file) {
        java.util.StringJoiner joined = new java.util.StringJoiner("/");
        for (java.nio.file.Path part : base.relativize(file)) {
            joined.add(part.toString());
        }
        return joined.toString();
    }
}
