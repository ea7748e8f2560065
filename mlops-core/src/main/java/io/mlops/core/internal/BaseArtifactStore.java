package io.mlops.core.internal;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What every artifact store does the same way on top of its single-object primitives: files,
 * folders with their manifests, key validation and hiding the reserved area. Subclasses
 * implement the primitives, for keys already validated, and do I/O only.
 *
 * <p>A folder ({@link #putDirectory}) is its files plus a manifest of their paths, digests and
 * sizes, stored last under the reserved area: a folder exists once its manifest does, and
 * {@link #getDirectory} reads back exactly the files the manifest names, each checked against it,
 * so a folder whose upload broke halfway, or that lost or gained a file since, is not taken for
 * a whole one.
 */
public abstract class BaseArtifactStore implements ArtifactStore {

    /** Stores a validated key's bytes atomically (see the contract on {@link ArtifactStore}). */
    protected abstract StoredObject putValidated(String key, InputStream content);

    protected abstract InputStream openValidated(String key);

    protected abstract Optional<StoredObject> statValidated(String key);

    /** All objects whose keys start with the prefix, the reserved area's included, sorted by key. */
    protected abstract List<StoredObject> listValidated(String keyPrefix);

    protected abstract boolean deleteValidated(String key);

    @Override
    public final Optional<StoredObject> stat(String key) {
        return statValidated(ArtifactKeys.validate(key));
    }

    @Override
    public final List<StoredObject> list(String keyPrefix) {
        ArtifactKeys.validatePrefix(keyPrefix);
        List<StoredObject> all = listValidated(keyPrefix);
        // A prefix such as ".m" is valid and is a string prefix of the reserved area.
        return all.stream().filter(o -> !o.key().startsWith(ArtifactKeys.RESERVED + "/")).toList();
    }

    /** The longest validity of a download link (S3's limit for presigned URLs). */
    public static final Duration MAX_LINK_VALIDITY = Duration.ofDays(7);

    @Override
    public final Optional<URI> downloadUrl(String key, Duration validFor) {
        ArtifactKeys.validate(key);
        if (validFor == null || validFor.compareTo(Duration.ofSeconds(1)) < 0 || validFor.compareTo(MAX_LINK_VALIDITY) > 0) {
            throw new InvalidArgumentException("validity " + validFor + " of a download link for '" + key
                    + "' must be between PT1S and " + MAX_LINK_VALIDITY);
        }
        if (statValidated(key).isEmpty()) {
            throw new NotFoundException("artifact '" + key + "' does not exist in " + location());
        }
        return signedDownloadUrl(key, validFor);
    }

    /** A presigned link to an existing object; stores that cannot make one keep this default. */
    protected Optional<URI> signedDownloadUrl(String key, Duration validFor) {
        return Optional.empty();
    }

    @Override
    public final boolean delete(String key) {
        return deleteValidated(ArtifactKeys.validate(key));
    }

    @Override
    public final StoredObject put(String key, InputStream content) {
        return putValidated(ArtifactKeys.validate(key), content);
    }

    @Override
    public final StoredObject put(String key, Path file) {
        ArtifactKeys.validate(key);
        try (InputStream in = Files.newInputStream(file)) {
            return putValidated(key, in);
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException("file '" + file + "' to store as '" + key + "' does not exist", e);
        } catch (IOException e) {
            throw new MlopsException("cannot read file '" + file + "' to store as '" + key + "': " + e.getMessage(), e);
        }
    }

    @Override
    public final InputStream open(String key) {
        return openValidated(ArtifactKeys.validate(key));
    }

    @Override
    public List<StoredObject> putDirectory(String keyPrefix, Path directory) {
        ArtifactKeys.validate(keyPrefix);
        if (!Files.isDirectory(directory)) {
            throw new InvalidArgumentException("'" + directory + "' is not a directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new MlopsException("cannot list directory '" + directory + "': " + e.getMessage(), e);
        }
        List<StoredObject> stored = new ArrayList<>();
        for (Path file : files) {
            String relative = ArtifactKeys.relativePath(directory, file);
            stored.add(put(keyPrefix + "/" + relative, file));
        }
        // Last, so that the folder exists only once every file does.
        byte[] manifest = ArtifactRecords.manifestToJson(keyPrefix, stored);
        String manifestKey = ArtifactRecords.manifestKey(keyPrefix);
        try {
            putValidated(manifestKey, new ByteArrayInputStream(manifest));
        } catch (AlreadyExistsException e) {
            throw new AlreadyExistsException("folder '" + keyPrefix + "' was already stored with other files; folders are"
                    + " write-once like artifacts, so a changed folder needs a new key prefix", e);
        }
        return List.copyOf(stored);
    }

    /**
     * Downloads into a staging folder inside {@code target} and moves the files into place only
     * once every one has arrived and matched the manifest, so a failure leaves {@code target} as
     * it was. Files in {@code target} that are not part of the folder are left alone.
     */
    @Override
    public List<StoredObject> getDirectory(String keyPrefix, Path target) {
        ArtifactKeys.validate(keyPrefix);
        List<StoredObject> files = manifest(keyPrefix);
        Path root = target.toAbsolutePath().normalize();
        Path staging;
        try {
            Files.createDirectories(root);
            staging = Files.createTempDirectory(root, ".partial-");
        } catch (IOException e) {
            throw new MlopsException("cannot create folder '" + root + "' to read folder '" + keyPrefix + "' into: " + e, e);
        }
        try {
            List<String> relatives = new ArrayList<>();
            for (StoredObject expected : files) {
                String relative = expected.key().substring(keyPrefix.length() + 1);
                if (!root.resolve(relative).normalize().startsWith(root)) {
                    throw new IntegrityException("artifact '" + expected.key() + "' would be written outside '" + root + "'");
                }
                if (statValidated(expected.key()).isEmpty()) {
                    throw new IntegrityException("folder '" + keyPrefix + "' is incomplete: its manifest lists '"
                            + expected.key() + "' (sha256 " + expected.sha256() + "), which is no longer stored");
                }
                copyVerified(keyPrefix, expected, staging.resolve(relative));
                relatives.add(relative);
            }
            for (String relative : relatives) {
                Path file = root.resolve(relative);
                Files.createDirectories(file.getParent());
                Files.move(staging.resolve(relative), file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new MlopsException("cannot write folder '" + keyPrefix + "' into '" + root + "': " + e, e);
        } finally {
            DurableFiles.deleteTreeQuietly(staging); // dot-named, so leftovers are harmless
        }
        return files;
    }

    private List<StoredObject> manifest(String keyPrefix) {
        String manifestKey = ArtifactRecords.manifestKey(keyPrefix);
        StoredObject manifest = statValidated(manifestKey).orElseThrow(() -> new NotFoundException("no folder is stored under '"
                + keyPrefix + "' in " + location() + " (folders are stored with putDirectory, which writes their manifest)"));
        try (InputStream in = openValidated(manifestKey)) {
            return ArtifactRecords.manifestFromJson(keyPrefix, in.readAllBytes(), manifest.createdAt());
        } catch (IOException e) {
            throw unavailable("read the manifest of folder", keyPrefix, e);
        }
    }

    /** Copies one file of a folder, checked against the digest the folder's manifest recorded. */
    private void copyVerified(String keyPrefix, StoredObject expected, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try (InputStream in = new VerifyingInputStream(openValidated(expected.key()), expected.key(), expected.sha256(),
                expected.size()); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        } catch (IntegrityException e) {
            throw new IntegrityException("folder '" + keyPrefix + "' changed: " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getCause() instanceof IntegrityException integrity) {
                throw integrity;
            }
            throw unavailable("read", expected.key(), e);
        }
    }

    /** Maps an I/O failure of the backing storage to the SDK's retryable error. */
    protected static StoreUnavailableException unavailable(String what, String key, IOException e) {
        return new StoreUnavailableException("cannot " + what + " artifact '" + key + "': " + e, e);
    }
}
