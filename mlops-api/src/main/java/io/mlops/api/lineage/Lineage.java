package io.mlops.api.lineage;

/**
 * Lineage in both directions: version → run → datasets, code and environment; dataset → runs →
 * versions. Obtained from {@code Mlops.lineage()}; thread-safe; reading needs only the viewer role.
 *
 * <pre>{@code
 * VersionLineage made = mlops.lineage().ofVersion("credit-risk", 3);
 * made.inputs().forEach(in -> System.out.println(in.input().context() + " " + in.input().dataset().digest()));
 * made.gaps();                                   // e.g. ["the working tree had uncommitted changes"]
 * DatasetLineage used = mlops.lineage().ofDataset("sha256:9a1f…");
 * String markdown = mlops.lineage().reproduceReport("credit-risk", 3);
 * }</pre>
 */
public interface Lineage {

    /** @throws io.mlops.api.NotFoundException if there is no such version */
    VersionLineage ofVersion(String modelName, int version);

    /** Never throws for an unknown digest: the lineage is then empty. */
    DatasetLineage ofDataset(String digest);

    /**
     * A Markdown report listing everything needed to rebuild a version: the model file and its
     * sha256, the run, the git commit, the JVM and libraries, every parameter (seeds first), each
     * dataset with the call that restores it, the metrics to compare against, the golden set, and
     * what is missing.
     *
     * @throws io.mlops.api.NotFoundException if there is no such version
     */
    String reproduceReport(String modelName, int version);
}
