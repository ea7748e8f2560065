package io.mlops.core.internal.environment;

import java.util.Objects;

/**
 * One entry of the class path a run executed with.
 *
 * <pre>{@code
 * new Library("com.fasterxml.jackson.core", "jackson-databind", "2.18.2", "jackson-databind-2.18.2.jar");
 * new Library("", "target/classes", "directory", "target/classes");
 * }</pre>
 *
 * @param group    Maven group id; empty when the jar does not say
 * @param name     artifact id or title; for a directory its last two path elements
 * @param version  version; {@code "directory"} for a directory, {@code "unknown"} when the jar does not say
 * @param location file name of the jar (never the full path, which would reveal home directories)
 */
public record Library(String group, String name, String version, String location) {

    public Library {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(location, "location");
    }

    /** {@code group:name:version}, or {@code name:version} without a group. */
    public String coordinates() {
        return (group.isEmpty() ? "" : group + ":") + name + ":" + version;
    }
}
