package io.mlops.core.internal.environment;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The state of the Git working tree a run was started from.
 *
 * <p>The remote URL is cleaned of credentials on construction, so no instance can carry a token
 * into run tags, logs or stored JSON, whoever builds it:
 *
 * <pre>{@code
 * GitState s = new GitState("3f2a...e9", Optional.of("main"), Optional.of(false),
 *         Optional.of("https://ci:glpat-XXXX@git.bank.example/risk/pd.git"), Path.of("/src/pd"));
 * s.remoteUrl(); // Optional[https://git.bank.example/risk/pd.git]
 * }</pre>
 *
 * @param commit    full commit id in lowercase hex (40 digits; 64 in SHA-256 repositories)
 * @param branch    short branch name; empty when HEAD is detached
 * @param dirty     whether tracked files differ from HEAD; empty when that could not be determined
 * @param remoteUrl URL of the {@code origin} remote without credentials; empty when there is none
 * @param root      top directory of the working tree
 */
public record GitState(String commit, Optional<String> branch, Optional<Boolean> dirty,
        Optional<String> remoteUrl, Path root) {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    public GitState {
        Objects.requireNonNull(commit, "commit");
        commit = commit.trim().toLowerCase(Locale.ROOT);
        if (!COMMIT.matcher(commit).matches()) {
            throw new IllegalArgumentException("commit must be 40 (or 64) hex digits, got '" + commit + "'");
        }
        branch = Objects.requireNonNull(branch, "branch").map(String::trim).filter(b -> !b.isEmpty());
        Objects.requireNonNull(dirty, "dirty");
        remoteUrl = Objects.requireNonNull(remoteUrl, "remoteUrl")
                .map(GitState::withoutCredentials).filter(u -> !u.isEmpty());
        Objects.requireNonNull(root, "root");
    }

    /**
     * The URL with any secret removed. For {@code http(s)://} URLs the whole user-info part goes,
     * because hosting services accept a bare token there ({@code https://TOKEN@host/...}). For
     * other {@code scheme://} URLs only a password goes: an ssh user name such as {@code git} is
     * needed to reproduce the clone and is not a secret. scp-style remotes
     * ({@code git@host:org/repo.git}) and local paths cannot carry a password and are kept.
     *
     * <pre>{@code
     * withoutCredentials("https://user:s3cret@example.com/org/repo.git"); // https://example.com/org/repo.git
     * withoutCredentials("git@example.com:org/repo.git");                 // unchanged
     * }</pre>
     */
    public static String withoutCredentials(String url) {
        if (url == null) {
            return "";
        }
        String u = url.strip();
        int schemeEnd = u.indexOf("://");
        if (schemeEnd <= 0) {
            return u;
        }
        String scheme = u.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        int authorityStart = schemeEnd + 3;
        int authorityEnd = u.length();
        for (int i = authorityStart; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                authorityEnd = i;
                break;
            }
        }
        // The last '@' ends the user info: an unencoded '@' inside a password must not leave its tail behind.
        int at = u.lastIndexOf('@', authorityEnd - 1);
        if (at < authorityStart) {
            return u;
        }
        String userInfo = u.substring(authorityStart, at);
        String rest = u.substring(at + 1);
        boolean web = scheme.equals("http") || scheme.equals("https")
                || scheme.endsWith("+http") || scheme.endsWith("+https");
        if (web) {
            return u.substring(0, authorityStart) + rest;
        }
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return u.substring(0, authorityStart) + (user.isEmpty() ? "" : user + "@") + rest;
    }
}
