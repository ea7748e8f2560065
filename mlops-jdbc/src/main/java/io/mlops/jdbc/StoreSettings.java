package io.mlops.jdbc;

import io.mlops.api.InvalidArgumentException;
import io.mlops.core.internal.MlopsSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated, frozen settings of one store. Its {@link #toString()} is safe to log: the
 * password is masked there and in {@link #maskedUrl()}.
 */
final class StoreSettings {

    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String MAXIMUM_POOL_SIZE = "maximumPoolSize";
    static final int DEFAULT_MAXIMUM_POOL_SIZE = 8;
    static final String POOL_NAME = "mlops";

    private static final Set<String> KNOWN_OPTIONS = Set.of(USER, PASSWORD, MAXIMUM_POOL_SIZE);
    private static final int MAX_POOL_SIZE_LIMIT = 1000;

    // password=… in H2 (;PASSWORD=…) and PostgreSQL (?password=… / &password=…) URLs, and the
    // user:password@ form some tools write before the host.
    // A password given as a URL setting, taken out so that no library logs it with the URL.
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([;?&])password=([^;&]*)");
    private static final String MASK = "****";

    private final String jdbcUrl;
    private final Dialect dialect;
    private final String user;
    private final String password;
    private final int maximumPoolSize;

    private StoreSettings(String jdbcUrl, Dialect dialect, String user, String password, int maximumPoolSize) {
        this.jdbcUrl = jdbcUrl;
        this.dialect = dialect;
        this.user = user;
        this.password = password;
        this.maximumPoolSize = maximumPoolSize;
    }

    /**
     * Validates a URL and its options as a whole.
     *
     * @throws InvalidArgumentException listing every problem found, not only the first
     */
    static StoreSettings of(String jdbcUrl, Map<String, String> options) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Map<String, String> opts = options == null ? Map.of() : options;
        List<String> problems = new ArrayList<>();

        Dialect dialect = Dialect.forUrl(jdbcUrl).orElse(null);
        if (dialect == null) {
            problems.add("URL '" + mask(jdbcUrl) + "' is not supported; expected one starting with "
                    + Dialect.supportedPrefixes());
        }
        String[] urlAndPassword = withoutPassword(jdbcUrl);
        String password = emptyToNull(opts.get(PASSWORD));
        if (urlAndPassword[1] != null) {
            if (password != null) {
                problems.add("a password is given both in the URL and in option '" + PASSWORD + "'; give it once,"
                        + " preferably as the option");
            }
            password = urlAndPassword[1];
        }
        Set<String> unknown = new TreeSet<>(opts.keySet());
        unknown.removeAll(KNOWN_OPTIONS);
        if (!unknown.isEmpty()) {
            problems.add("unknown option(s) " + unknown + "; valid options are " + new TreeSet<>(KNOWN_OPTIONS));
        }
        int poolSize = DEFAULT_MAXIMUM_POOL_SIZE;
        String size = opts.get(MAXIMUM_POOL_SIZE);
        if (size != null) {
            try {
                poolSize = Integer.parseInt(size.trim());
                if (poolSize < 1 || poolSize > MAX_POOL_SIZE_LIMIT) {
                    problems.add(MAXIMUM_POOL_SIZE + " " + poolSize + " is outside 1.." + MAX_POOL_SIZE_LIMIT);
                }
            } catch (NumberFormatException e) {
                problems.add(MAXIMUM_POOL_SIZE + " '" + size + "' is not a whole number");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid JDBC metadata store settings: " + String.join("; ", problems));
        }
        return new StoreSettings(urlAndPassword[0], dialect, emptyToNull(opts.get(USER)), password, poolSize);
    }

    /**
     * Splits a password setting off a URL: H2's {@code ;PASSWORD=…} or PostgreSQL's
     * {@code ?password=…} / {@code &password=…} (URL-decoded, as the driver would).
     *
     * @return the URL without the setting, and the password or null
     */
    static String[] withoutPassword(String url) {
        Matcher m = URL_PASSWORD.matcher(url);
        if (!m.find()) {
            return new String[] {url, null};
        }
        char separator = m.group(1).charAt(0);
        String password = separator == ';' ? m.group(2) : URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        String before = url.substring(0, m.start());
        String after = url.substring(m.end());
        String rest;
        if (separator == '?') {
            // Keep the query well-formed: "?password=x&ssl=true" becomes "?ssl=true".
            rest = after.startsWith("&") ? before + "?" + after.substring(1) : before + after;
        } else {
            rest = before + after;
        }
        return new String[] {rest, emptyToNull(password)};
    }

    /** {@code url} with any password replaced by {@code ****}. */
    static String mask(String url) {
        // One masking rule for the whole SDK, kept in core.
        return MlopsSettings.maskUri(url);
    }

    /** The URL to connect with; any password setting has been moved to {@link #password()}. */
    String jdbcUrl() {
        return jdbcUrl;
    }

    String maskedUrl() {
        return mask(jdbcUrl);
    }

    Dialect dialect() {
        return dialect;
    }

    /** Null when the URL or the driver's defaults supply it. */
    String user() {
        return user;
    }

    /** From the option or the URL; null to use the driver's default. Never log it. */
    String password() {
        return password;
    }

    int maximumPoolSize() {
        return maximumPoolSize;
    }

    @Override
    public String toString() {
        return "url=" + maskedUrl() + ", dialect=" + dialect + ", user=" + (user == null ? "(driver default)" : user)
                + ", password=" + (password == null ? "(not set)" : MASK) + ", pool=" + POOL_NAME
                + ", maximumPoolSize=" + maximumPoolSize;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
