package io.mlops.core.internal.search;

/**
 * SQL {@code LIKE} matching with {@code %}, {@code _} and a backslash escape, over Unicode code
 * points as PostgreSQL does. Patterns reach it already checked by {@link SearchParser}: a backslash
 * is always followed by {@code %}, {@code _} or another backslash.
 */
final class LikePattern {

    private static final int ANY_ONE = -1;
    private static final int ANY_RUN = -2;

    private LikePattern() {
    }

    static boolean matches(String value, String pattern, boolean ignoreCase) {
        int[] v = (ignoreCase ? lower(value) : value).codePoints().toArray();
        int[] p = compile(ignoreCase ? lower(pattern) : pattern);
        // Greedy matching with one backtrack point per '%': linear for typical patterns, and never
        // worse than O(|value| * |pattern|).
        int vi = 0;
        int pi = 0;
        int starPi = -1;
        int starVi = 0;
        while (vi < v.length) {
            if (pi < p.length && (p[pi] == ANY_ONE || p[pi] == v[vi])) {
                vi++;
                pi++;
            } else if (pi < p.length && p[pi] == ANY_RUN) {
                starPi = pi++;
                starVi = vi;
            } else if (starPi >= 0) {
                pi = starPi + 1;
                vi = ++starVi;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == ANY_RUN) {
            pi++;
        }
        return pi == p.length;
    }

    /** Case folding code point by code point, as PostgreSQL's and H2's LOWER do for ILIKE. */
    static String lower(String s) {
        StringBuilder folded = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> folded.appendCodePoint(Character.toLowerCase(cp)));
        return folded.toString();
    }

    private static int[] compile(String pattern) {
        int[] cps = pattern.codePoints().toArray();
        int[] out = new int[cps.length];
        int n = 0;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == '\\' && i + 1 < cps.length) {
                out[n++] = cps[++i];
            } else if (c == '%') {
                out[n++] = ANY_RUN;
            } else if (c == '_') {
                out[n++] = ANY_ONE;
            } else {
                out[n++] = c;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
