package io.mlops.core.internal;

import io.mlops.api.MlopsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The write-to-temporary, sync, rename-into-place steps that keep a reader from ever seeing a
 * half-written file, shared by the local artifact store and batch scoring.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * Renames {@code from} to {@code to} in one step, replacing {@code to}.
     *
     * @param purpose what needs the atomic rename, for the message when the file system cannot
     */
    public static void moveAtomically(Path from, Path to, String purpose) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new MlopsException("the file system under '" + to.getParent() + "' cannot rename atomically, which "
                    + purpose + " needs", e);
        }
    }

    /** Flushes a file's bytes and metadata to the device. */
    public static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * Makes a rename in {@code directory} durable. Linux allows opening a directory to sync it; where
     * the platform refuses, the file system's own ordering is all there is, and that is accepted.
     */
    public static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException platformRefuses) {
            // not supported here (e.g. Windows); nothing more can be done portably
        }
    }

    /** Deletes a temporary file if it is there; a leftover is invisible and cleaned up later. */
    public static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is removed by a later cleanup
            }
        }
    }

    /** Deletes a folder and everything in it, ignoring what cannot be deleted. */
    public static void deleteTreeQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(DurableFiles::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            // callers use this for their own scratch folders, whose leftovers they accept
        }
    }
}
