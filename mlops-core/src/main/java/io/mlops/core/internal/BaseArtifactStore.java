package io.mlops.core.internal;

import io.mlops.api.MlopsException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.artifact.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every artifact store does the same way on top of its single-object primitives: files,
 * directories and key validation. Subclasses implement the primitives and do I/O only.
 */
public abstract class BaseArtifactStore implements ArtifactStore {

    /** Stores a validated key's bytes atomically (see the contract on {@link ArtifactStore}). */
    protected abstract StoredObject putValidated(String key, InputStream content);

    protected abstract InputStream openValidated(String key);

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
            throw new io.mlops.api.InvalidArgumentException("file '" + file + "' to store as '" + key + "' does not exist", e);
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
            throw new io.mlops.api.InvalidArgumentException("'" + directory + "' is not a directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new MlopsException("cannot list directory '" + directory + "': " + e.getMessage(), e);
        }
        List<StoredObject> stored = new ArrayList<>();
        for (Path file : files) {
            String relative = directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            stored.add(put(keyPrefix + "/" + relative, file));
        }
        return stored;
    }

    @Override
    public List<StoredObject> getDirectory(String keyPrefix, Path target) {
        ArtifactKeys.validate(keyPrefix);
        List<StoredObject> objects = list(keyPrefix + "/");
        Path root = target.toAbsolutePath().normalize();
        for (StoredObject object : objects) {
            Path file = root.resolve(object.key().substring(keyPrefix.length() + 1)).normalize();
            if (!file.startsWith(root)) {
                throw new io.mlops.api.IntegrityException("artifact '" + object.key() + "' would be written outside '" + root + "'");
            }
            try {
                Files.createDirectories(file.getParent());
                Path partial = Files.createTempFile(file.getParent(), ".partial-", ".tmp");
                try (InputStream in = open(object.key()); OutputStream out = Files.newOutputStream(partial)) {
                    in.transferTo(out);
                } catch (RuntimeException | IOException e) {
                    Files.deleteIfExists(partial);
                    throw e;
                }
                Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write '" + file + "' from artifact '" + object.key() + "'", e);
            }
        }
        return objects;
    }

    /** Maps an I/O failure of the backing storage to the SDK's retryable error. */
    protected static StoreUnavailableException unavailable(String what, String key, IOException e) {
        return new StoreUnavailableException("cannot " + what + " artifact '" + key + "': " + e, e);
    }
}
