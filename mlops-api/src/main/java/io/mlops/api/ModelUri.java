package io.mlops.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A reference to one model version, either fixed ({@code models:/credit-risk/3}) or through an
 * alias that may move ({@code models:/credit-risk@champion}). The syntax is MLflow's.
 *
 * <pre>{@code
 * ModelUri fixed = ModelUri.parse("models:/credit-risk/3");
 * ModelUri moving = ModelUri.ofAlias("credit-risk", "champion");
 * moving.toString(); // "models:/credit-risk@champion"
 * }</pre>
 *
 * <p>Only the syntax is checked here; whether the model name and alias follow the registry's
 * naming rules is checked by the registry when the URI is resolved.
 */
public final class ModelUri {
    private static final String SCHEME = "models:/";

    private final String name;
    private final int version;
    private final String alias;

    private ModelUri(String name, int version, String alias) {
        this.name = name;
        this.version = version;
        this.alias = alias;
    }

    /**
     * Parses {@code models:/<name>/<version>} or {@code models:/<name>@<alias>}.
     *
     * @throws InvalidArgumentException naming the text and the two valid forms
     */
    public static ModelUri parse(String uri) {
        Objects.requireNonNull(uri, "model uri");
        if (!uri.startsWith(SCHEME)) {
            throw invalid(uri, "it does not start with 'models:/'");
        }
        String rest = uri.substring(SCHEME.length());
        int at = rest.lastIndexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && slash < 0) {
            String name = rest.substring(0, at);
            String alias = rest.substring(at + 1);
            if (name.isEmpty() || alias.isEmpty()) {
                throw invalid(uri, "the model name or the alias is empty");
            }
            return new ModelUri(name, 0, alias);
        }
        if (slash >= 0 && at < 0 && rest.indexOf('/', slash + 1) < 0) {
            String name = rest.substring(0, slash);
            String number = rest.substring(slash + 1);
            if (name.isEmpty()) {
                throw invalid(uri, "the model name is empty");
            }
            int version;
            try {
                version = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                throw invalid(uri, "version '" + number + "' is not a whole number");
            }
            if (version < 1) {
                throw invalid(uri, "version " + version + " is below 1");
            }
            return new ModelUri(name, version, null);
        }
        throw invalid(uri, "it is neither a fixed version nor an alias reference");
    }

    public static ModelUri ofVersion(String name, int version) {
        return parse(SCHEME + Objects.requireNonNull(name, "model name") + "/" + version);
    }

    public static ModelUri ofAlias(String name, String alias) {
        return parse(SCHEME + Objects.requireNonNull(name, "model name") + "@" + Objects.requireNonNull(alias, "alias"));
    }

    private static InvalidArgumentException invalid(String uri, String why) {
        return new InvalidArgumentException("model URI '" + uri + "' is invalid: " + why
                + "; expected 'models:/<name>/<version>' or 'models:/<name>@<alias>'");
    }

    public String name() {
        return name;
    }

    /** The fixed version number, or empty for an alias reference. */
    public OptionalInt version() {
        return version == 0 ? OptionalInt.empty() : OptionalInt.of(version);
    }

    /** The alias, or empty for a fixed version reference. */
    public Optional<String> alias() {
        return Optional.ofNullable(alias);
    }

    public boolean isAlias() {
        return alias != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelUri other && name.equals(other.name) && version == other.version
                && Objects.equals(alias, other.alias);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, alias);
    }

    @Override
    public String toString() {
        return alias != null ? SCHEME + name + "@" + alias : SCHEME + name + "/" + version;
    }
}
