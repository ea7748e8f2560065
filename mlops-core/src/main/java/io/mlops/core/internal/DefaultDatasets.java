package io.mlops.core.internal;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.data.ColumnProfile;
import io.mlops.api.data.DatasetKind;
import io.mlops.api.data.DatasetManifest;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.data.Datasets;
import io.mlops.api.data.ManifestEntry;
import io.mlops.api.spi.TrackingStore;
import io.mlops.api.tracking.DatasetColumn;
import io.mlops.core.internal.data.ColumnProfiler;
import io.mlops.core.internal.data.CsvProfiler;
import io.mlops.core.internal.data.DatasetManifests;
import io.mlops.core.internal.data.Tabular;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dataset versions over the metadata store (the index) and the artifact store (the bytes,
 * content-addressed). One pass hashes a file and, for tables, profiles it; a second uploads it,
 * only if its blob is not stored already, and the store's own digest of what it received is
 * compared with the first pass's.
 */
final class DefaultDatasets implements Datasets {

    private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);
    /** Where file contents live, by sha256; shared by every version and name. */
    static final String BLOBS = "datasets/blobs/";
    /** Where canonical manifests live, by their own sha256 (the version digest). */
    static final String MANIFESTS = "datasets/manifests/";
    private static final int MAX_SOURCE = 4000;
    private static final String QUERY_FILE = "result.csv";
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .build();

    private final TrackingStore store;
    private final ArtifactStore artifacts;
    private final Guard guard;

    DefaultDatasets(TrackingStore store, ArtifactStore artifacts, Guard guard) {
        this.store = store;
        this.artifacts = artifacts;
        this.guard = guard;
    }

    @Override
    public DatasetVersion log(String name, Path fileOrFolder) {
        Validation.datasetName(name);
        Objects.requireNonNull(fileOrFolder, "path");
        guard.require(Permission.TRACK, "datasets.log", "datasets:/" + name);
        Path root = fileOrFolder.toAbsolutePath().normalize();
        String source = truncatedSource(root.toUri().toString());
        if (Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS)) {
            FileDigest file = digestFile(root, root.getFileName().toString(), CsvProfiler.handles(root.getFileName().toString()));
            storeBlob(file);
            return save(name, DatasetKind.FILE, source, List.of(file.entry()), file.tabular());
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidArgumentException("dataset '" + name + "': " + root + (Files.exists(root)
                    ? " is neither a regular file nor a folder" : " does not exist") + "; give a file or a folder");
        }
        List<Path> files = regularFiles(root);
        List<Path> links = symbolicLinks(root);
        if (files.isEmpty()) {
            throw new InvalidArgumentException("dataset '" + name + "': folder " + root + " holds no regular file"
                    + (links.isEmpty() ? "" : " (" + links.size() + " symbolic links, which are not followed)")
                    + "; a dataset version needs at least one");
        }
        if (!links.isEmpty()) {
            LOG.warn("dataset '{}': {} symbolic link(s) under {} are not followed and not part of the version: {}", name,
                    links.size(), root, links.subList(0, Math.min(10, links.size())));
        }
        List<ManifestEntry> entries = new ArrayList<>(files.size());
        for (Path file : files) {
            String relative = ArtifactKeys.relativePath(root, file);
            FileDigest digest = digestFile(file, relative, false);
            storeBlob(digest);
            entries.add(digest.entry());
        }
        return save(name, DatasetKind.FOLDER, source, entries, Optional.empty());
    }

    @Override
    public DatasetVersion logQuery(String name, Connection connection, String sql) {
        Validation.datasetName(name);
        Objects.requireNonNull(connection, "connection");
        if (sql == null || sql.isBlank() || sql.length() > MAX_SOURCE) {
            throw new InvalidArgumentException("dataset '" + name + "': query " + (sql == null ? "null"
                    : "of " + sql.length() + " characters") + " is not valid; give 1-" + MAX_SOURCE + " characters of SQL");
        }
        guard.require(Permission.TRACK, "datasets.logQuery", "datasets:/" + name);
        Path csv = null;
        try {
            csv = Files.createTempFile("mlops-query-", ".csv");
            Tabular tabular = writeQueryResult(connection, sql, csv, name);
            FileDigest file = digestFile(csv, QUERY_FILE, false);
            storeBlob(file);
            return save(name, DatasetKind.QUERY, sql, List.of(file.entry()), Optional.of(tabular));
        } catch (IOException e) {
            throw new MlopsException("dataset '" + name + "': cannot stage the query result in a temporary file: " + e, e);
        } finally {
            if (csv != null) {
                DurableFiles.deleteQuietly(csv);
            }
        }
    }

    @Override
    public DatasetVersion get(String name, String digest) {
        Validation.datasetName(name);
        DatasetManifests.hexOf(digest);
        guard.require(Permission.READ, "datasets.get", "datasets:/" + name + "@" + digest);
        return store.findDatasetVersions(digest).stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundException("dataset '" + name + "' has no version " + digest
                        + "; its versions are " + store.listDatasetVersions(name).stream().map(DatasetVersion::digest).toList()));
    }

    @Override
    public List<DatasetVersion> findByDigest(String digest) {
        DatasetManifests.hexOf(digest);
        guard.require(Permission.READ, "datasets.findByDigest", "datasets:/*@" + digest);
        return store.findDatasetVersions(digest);
    }

    @Override
    public List<DatasetVersion> versions(String name) {
        Validation.datasetName(name);
        guard.require(Permission.READ, "datasets.versions", "datasets:/" + name);
        return store.listDatasetVersions(name);
    }

    @Override
    public DatasetManifest manifest(String digest) {
        String hex = DatasetManifests.hexOf(digest);
        guard.require(Permission.READ, "datasets.manifest", "datasets:/*@" + digest);
        return readManifest(digest, hex);
    }

    private DatasetManifest readManifest(String digest, String hex) {
        if (store.findDatasetVersions(digest).isEmpty()) {
            throw new NotFoundException("no dataset version has digest " + digest);
        }
        try (InputStream in = artifacts.open(MANIFESTS + hex + ".json")) {
            return DatasetManifests.parse(in.readAllBytes(), digest);
        } catch (IOException e) {
            throw new MlopsException("cannot read the manifest of dataset version " + digest + ": " + e, e);
        }
    }

    @Override
    public void download(String digest, Path target) {
        String hex = DatasetManifests.hexOf(digest);
        Objects.requireNonNull(target, "target");
        guard.require(Permission.READ, "datasets.download", "datasets:/*@" + digest);
        DatasetManifest manifest = readManifest(digest, hex);
        Path destination = target.toAbsolutePath().normalize();
        if (Files.exists(destination) && !isEmptyDirectory(destination)) {
            throw new InvalidArgumentException("cannot download dataset version " + digest + " into " + destination
                    + ": it exists and is not an empty folder; give a new or empty folder");
        }
        Path staging = destination.resolveSibling(".partial-" + destination.getFileName() + "-" + Ids.newId().substring(0, 8));
        try {
            for (ManifestEntry entry : manifest.entries()) {
                Path file = staging.resolve(entry.path()).normalize();
                if (!file.startsWith(staging)) {
                    throw new IntegrityException("dataset version " + digest + " names file '" + entry.path()
                            + "' outside its folder; refusing to write it");
                }
                Files.createDirectories(file.getParent());
                MessageDigest sha = Digests.sha256();
                try (InputStream in = new DigestInputStream(artifacts.open(BLOBS + entry.sha256()), sha)) {
                    Files.copy(in, file);
                }
                String actual = Digests.hex(sha);
                if (!actual.equals(entry.sha256()) || Files.size(file) != entry.sizeBytes()) {
                    throw new IntegrityException("file '" + entry.path() + "' of dataset version " + digest
                            + " should have sha256 " + entry.sha256() + " and " + entry.sizeBytes() + " bytes but the stored"
                            + " copy has sha256 " + actual + " and " + Files.size(file) + " bytes");
                }
            }
            if (Files.exists(destination)) {
                Files.delete(destination);
            }
            Files.createDirectories(staging);
            DurableFiles.moveAtomically(staging, destination, "dataset version " + digest);
        } catch (IOException e) {
            DurableFiles.deleteTreeQuietly(staging);
            throw new MlopsException("cannot download dataset version " + digest + " into " + destination + ": " + e, e);
        } catch (RuntimeException e) {
            DurableFiles.deleteTreeQuietly(staging);
            throw e;
        }
        guard.record("datasets.download", "datasets:/*@" + digest, Map.of("files", manifest.entries().size()));
    }

    // ---- writing

    private record FileDigest(Path file, ManifestEntry entry, Optional<Tabular> tabular) {
    }

    private FileDigest digestFile(Path file, String relativePath, boolean profile) {
        MessageDigest sha = Digests.sha256();
        Optional<Tabular> tabular = Optional.empty();
        long size;
        try (CountingInputStream in = new CountingInputStream(new DigestInputStream(Files.newInputStream(file), sha))) {
            if (profile) {
                try {
                    tabular = Optional.of(CsvProfiler.profile(in, relativePath));
                } catch (CsvProfiler.NotTabularException e) {
                    LOG.warn("{} is logged without schema or profile: {}", file, e.getMessage());
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
            size = in.count();
        } catch (IOException e) {
            throw new MlopsException("cannot read " + file + " to log it as a dataset: " + e, e);
        }
        return new FileDigest(file, new ManifestEntry(relativePath, Digests.hex(sha), size), tabular);
    }

    private void storeBlob(FileDigest digest) {
        String key = BLOBS + digest.entry().sha256();
        Optional<StoredObject> existing = artifacts.stat(key);
        if (existing.isPresent() && existing.get().sha256().equals(digest.entry().sha256())) {
            return;
        }
        StoredObject stored = artifacts.put(key, digest.file());
        if (!stored.sha256().equals(digest.entry().sha256())) {
            // The file changed between hashing and uploading; the stored blob is not what its key says.
            artifacts.delete(key);
            throw new IntegrityException(digest.file() + " changed while it was being logged (sha256 " + digest.entry().sha256()
                    + " when hashed, " + stored.sha256() + " when stored); log it again once it is stable");
        }
    }

    private DatasetVersion save(String name, DatasetKind kind, String source, List<ManifestEntry> entries,
            Optional<Tabular> tabular) {
        DatasetManifest manifest = DatasetManifests.of(entries);
        String hex = manifest.digest().substring(DatasetManifests.DIGEST_PREFIX.length());
        String manifestKey = MANIFESTS + hex + ".json";
        if (!artifacts.stat(manifestKey).map(o -> o.sha256().equals(hex)).orElse(false)) {
            // Different bytes already under the key raise AlreadyExists: a planted manifest is not taken as ours.
            artifacts.put(manifestKey, new ByteArrayInputStream(DatasetManifests.canonicalBytes(manifest.entries())));
        }
        DatasetVersion candidate = new DatasetVersion(name, manifest.digest(), kind, source, entries.size(),
                manifest.sizeBytes(), tabular.map(t -> OptionalLong.of(t.rows())).orElse(OptionalLong.empty()),
                tabular.map(Tabular::schema).orElse(List.of()), tabular.map(Tabular::profile).orElse(List.of()),
                guard.principal().name(), guard.clock().millis());
        DatasetVersion stored = store.saveDatasetVersion(candidate);
        boolean created = stored.creationTime() == candidate.creationTime() && stored.createdBy().equals(candidate.createdBy());
        guard.record("datasets.log", stored.uri(), Map.of("after", Map.of("kind", kind.name(), "files", entries.size(),
                "bytes", manifest.sizeBytes(), "new", created)));
        return stored;
    }

    private Tabular writeQueryResult(Connection connection, String sql, Path csv, String name) throws IOException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql);
                OutputStream out = Files.newOutputStream(csv)) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            String[] header = new String[n];
            String[] types = new String[n];
            List<ColumnProfiler> profilers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                header[i] = meta.getColumnLabel(i + 1);
                types[i] = logicalType(meta.getColumnType(i + 1));
                profilers.add(new ColumnProfiler(header[i]));
            }
            // Rows are written as objects with positional column ids: Jackson drops a null cell of a
            // root-level array instead of writing it, and labels may repeat (SELECT a.id, b.id).
            CsvSchema.Builder columns = CsvSchema.builder();
            Map<String, String> headerRow = new java.util.LinkedHashMap<>();
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                ids[i] = "c" + i;
                columns.addColumn(ids[i]);
                headerRow.put(ids[i], header[i]);
            }
            long rows = 0;
            try (SequenceWriter writer = CSV.writer(columns.build().withNullValue("")).writeValues(out)) {
                writer.write(headerRow);
                Map<String, String> row = new java.util.HashMap<>();
                while (rs.next()) {
                    for (int i = 0; i < n; i++) {
                        String value = render(rs, i + 1, meta.getColumnType(i + 1));
                        row.put(ids[i], value);
                        profilers.get(i).add(value);
                    }
                    writer.write(row);
                    rows++;
                }
            }
            List<DatasetColumn> schema = new ArrayList<>(n);
            List<ColumnProfile> profile = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                schema.add(new DatasetColumn(header[i], types[i]));
                profile.add(profilers.get(i).finish(types[i]));
            }
            return new Tabular(rows, schema, profile);
        } catch (SQLException e) {
            throw new InvalidArgumentException("dataset '" + name + "': query failed (" + e.getMessage() + ", SQLState "
                    + e.getSQLState() + "): " + abbreviate(sql), e);
        }
    }

    /** A value as text that depends on the value, not on the driver: the digest must be stable. */
    static String render(ResultSet rs, int column, int sqlType) throws SQLException {
        Object value = switch (sqlType) {
            case Types.DATE -> rs.getObject(column, java.time.LocalDate.class);
            case Types.TIME -> rs.getObject(column, java.time.LocalTime.class);
            case Types.TIMESTAMP -> rs.getObject(column, java.time.LocalDateTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(column, java.time.OffsetDateTime.class);
            case Types.TIME_WITH_TIMEZONE -> rs.getObject(column, java.time.OffsetTime.class);
            default -> rs.getObject(column);
        };
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Float f) {
            return Float.toString(f);
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof java.sql.Blob blob) {
            try {
                return Base64.getEncoder().encodeToString(blob.getBytes(1, Math.toIntExact(blob.length())));
            } finally {
                blob.free();
            }
        }
        if (value instanceof java.sql.Clob clob) {
            try {
                return clob.getSubString(1, Math.toIntExact(clob.length()));
            } finally {
                clob.free();
            }
        }
        return value.toString();
    }

    static String logicalType(int sqlType) {
        return switch (sqlType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> "integer";
            case Types.REAL, Types.FLOAT, Types.DOUBLE, Types.DECIMAL, Types.NUMERIC -> "double";
            case Types.BOOLEAN, Types.BIT -> "boolean";
            case Types.DATE -> "date";
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> "time";
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> "timestamp";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "binary";
            default -> "string";
        };
    }

    private static List<Path> regularFiles(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static List<Path> symbolicLinks(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isSymbolicLink).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static String truncatedSource(String source) {
        return Validation.truncate(source, MAX_SOURCE, "…");
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 200 ? sql : sql.substring(0, 200) + "…";
    }
}
