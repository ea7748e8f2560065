package io.mlops.api.data;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

/**
 * Dataset versions, content-addressed: each file is stored once in the artifact store under its
 * sha256, however many versions and runs use it, and logging unchanged data again uploads
 * nothing. Obtained from {@code Mlops.datasets()}; thread-safe.
 *
 * <pre>{@code
 * Datasets datasets = mlops.datasets();
 * DatasetVersion train = datasets.log("bank-marketing", Path.of("data/bank-marketing.csv"));
 * DatasetVersion snapshot = datasets.logQuery("open-loans", connection,
 *         "SELECT id, amount, status FROM loans WHERE status = 'OPEN' ORDER BY id");
 * datasets.download(train.digest(), Path.of("/tmp/restored"));   // the same bytes, verified
 * }</pre>
 *
 * <h2>What is profiled</h2>
 * A {@code .csv} or {@code .tsv} file and every query result are tabular: the version has a schema
 * (types inferred from the values for files, taken from the driver for queries), a row count and a
 * {@link ColumnProfile} per column, computed in the same pass that hashes the data, in memory
 * independent of the row count. Other files and folders have a manifest only.
 *
 * <h2>Names</h2>
 * 1–256 characters, no control characters, not blank. The same content may be logged under several
 * names; the pair (name, digest) is stored once.
 */
public interface Datasets {

    /**
     * Logs a file or a folder (every regular file under it, recursively; symbolic links are not
     * followed) as a version of {@code name}.
     *
     * @return the stored version; the existing one, unchanged, if this name already has this content
     * @throws io.mlops.api.InvalidArgumentException if the name is invalid, the path does not exist,
     *         is neither a regular file nor a folder, or the folder holds no file
     */
    DatasetVersion log(String name, Path fileOrFolder);

    /**
     * Runs {@code sql} on {@code connection} and logs its rows as canonical CSV (a header of column
     * labels; values rendered by their Java type, so that the digest depends on the data, not on the
     * driver's formatting). Give the query an {@code ORDER BY}: the same rows in another order are
     * other content. The connection is not closed.
     *
     * @throws io.mlops.api.InvalidArgumentException if the query fails; the message names the query
     */
    DatasetVersion logQuery(String name, Connection connection, String sql);

    /** @throws io.mlops.api.NotFoundException if that name has no version with that digest */
    DatasetVersion get(String name, String digest);

    /** Every name this content was logged under, oldest first; empty when the digest is unknown. */
    List<DatasetVersion> findByDigest(String digest);

    /** The versions of one name, newest first; empty when there are none. */
    List<DatasetVersion> versions(String name);

    /**
     * The files of a version, read back from the artifact store and checked against the digest.
     *
     * @throws io.mlops.api.NotFoundException if no version has that digest
     * @throws io.mlops.api.IntegrityException if the stored manifest does not hash to the digest
     */
    DatasetManifest manifest(String digest);

    /**
     * Writes the files of a version under {@code target} (created; it must not exist or be empty),
     * each checked against its sha256. On failure nothing is left in {@code target}.
     *
     * @throws io.mlops.api.IntegrityException if a stored file does not match the manifest
     */
    void download(String digest, Path target);
}
