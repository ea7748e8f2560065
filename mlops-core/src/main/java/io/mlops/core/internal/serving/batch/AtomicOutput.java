package io.mlops.core.internal.serving.batch;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.core.internal.Digests;
import io.mlops.core.internal.DurableFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;

/**
 * An output file and its sidecar that appear complete or not at all, written the way
 * {@link io.mlops.stores.LocalArtifactStore} writes artifacts: content goes to a hidden temporary
 * file in the output's own folder (so the rename stays on one file system), is flushed to disk,
 * then renamed into place atomically; the sidecar, the record that the output is complete, is
 * renamed last. Until {@link #commit} the temporary files are deleted on {@link #close()}.
 * Not thread-safe.
 */
final class AtomicOutput implements AutoCloseable {

    private static final long LEFTOVER_AGE_MILLIS = 24L * 60 * 60 * 1000;

    private final Path output;
    private final Path sidecar;
    private final boolean overwrite;
    private Path tempOutput;
    private Path tempSidecar;
    private DigestOutputStream stream;
    private boolean committed;

    private AtomicOutput(Path output, Path sidecar, boolean overwrite) {
        this.output = output;
        this.sidecar = sidecar;
        this.overwrite = overwrite;
    }

    /** {@code <output>.json}. */
    static Path sidecarOf(Path output) {
        return output.resolveSibling(output.getFileName() + ".json");
    }

    /**
     * Checks that the output may be written, before anything is read.
     *
     * @param input the input file, which the output must not replace; null for a query
     * @throws AlreadyExistsException if the output or its sidecar exists and {@code overwrite} is off
     * @throws InvalidArgumentException if the output's folder does not exist or the output is the input
     */
    static AtomicOutput check(Path output, Path input, boolean overwrite) {
        Path absolute = output.toAbsolutePath().normalize();
        Path folder = absolute.getParent();
        if (folder == null || absolute.getFileName() == null) {
            throw new InvalidArgumentException("output '" + output + "' names no file; give a file path such as scores.csv");
        }
        if (!Files.isDirectory(folder)) {
            throw new InvalidArgumentException("cannot write output '" + absolute + "': its folder '" + folder
                    + "' does not exist; create it first");
        }
        if (Files.isDirectory(absolute)) {
            throw new InvalidArgumentException("cannot write output '" + absolute + "': it is a folder; give a file path");
        }
        if (input != null && sameFile(input.toAbsolutePath().normalize(), absolute)) {
            throw new InvalidArgumentException("output '" + absolute + "' is the input file; write the scores to"
                    + " another file");
        }
        Path sidecar = sidecarOf(absolute);
        if (!overwrite) {
            refuseExisting(absolute, sidecar);
        }
        return new AtomicOutput(absolute, sidecar, overwrite);
    }

    Path output() {
        return output;
    }

    Path sidecar() {
        return sidecar;
    }

    /** Creates the hidden temporary file and returns a stream to it that digests what is written. */
    OutputStream open() {
        Path folder = output.getParent();
        String prefix = "." + output.getFileName() + ".";
        removeLeftovers(folder, prefix);
        try {
            tempOutput = Files.createTempFile(folder, prefix, ".tmp");
            stream = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tempOutput), 1 << 16),
                    Digests.sha256());
            return stream;
        } catch (IOException e) {
            throw new MlopsException("cannot create a temporary file in '" + folder + "' for output '" + output
                    + "': " + e.getMessage(), e);
        }
    }

    /** The sha256 of everything written; valid once the stream is closed. */
    String sha256() {
        return Digests.hex(stream.getMessageDigest());
    }

    /**
     * Moves the output, then its sidecar, into place. The stream must be closed.
     *
     * @throws AlreadyExistsException if, with overwrite off, the output appeared meanwhile
     */
    void commit(byte[] sidecarJson) {
        try {
            DurableFiles.force(tempOutput);
            tempSidecar = Files.createTempFile(output.getParent(), "." + sidecar.getFileName() + ".", ".tmp");
            Files.write(tempSidecar, sidecarJson);
            DurableFiles.force(tempSidecar);
            if (overwrite) {
                // A stale record must never describe the new bytes, not even between the two renames.
                Files.deleteIfExists(sidecar);
            } else {
                refuseExisting(output, sidecar);
            }
            DurableFiles.moveAtomically(tempOutput, output, "batch scoring (never to leave a half-written output)");
            tempOutput = null;
            try {
                DurableFiles.moveAtomically(tempSidecar, sidecar, "batch scoring (never to leave a half-written output)");
                tempSidecar = null;
            } catch (IOException | RuntimeException e) {
                // Without its record the output is not complete: take it back out.
                DurableFiles.deleteQuietly(output);
                throw e;
            }
            DurableFiles.forceDirectory(output.getParent());
            committed = true;
        } catch (IOException e) {
            throw new MlopsException("cannot move output '" + output + "' and its sidecar into place: " + e.getMessage(), e);
        }
    }

    /** Deletes the temporary files unless committed. */
    @Override
    public void close() {
        if (stream != null && !committed) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // being discarded anyway
            }
        }
        DurableFiles.deleteQuietly(tempOutput);
        DurableFiles.deleteQuietly(tempSidecar);
        tempOutput = null;
        tempSidecar = null;
    }

    private static void refuseExisting(Path output, Path sidecar) {
        for (Path existing : new Path[] {output, sidecar}) {
            if (Files.exists(existing)) {
                throw new AlreadyExistsException("output '" + existing + "' already exists; choose another path,"
                        + " delete it, or allow replacing it with overwrite(true)");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Temporary files of this output left by a crashed run; only old ones, a young one may be another run's. */
    private static void removeLeftovers(Path folder, String prefix) {
        // Wall-clock time, as the files' own times are: an injected test clock must not make fresh files look old.
        long cutoff = System.currentTimeMillis() - LEFTOVER_AGE_MILLIS;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, glob(prefix) + "*.tmp")) {
            for (Path file : leftovers) {
                if (Files.getLastModifiedTime(file).toMillis() < cutoff) {
                    DurableFiles.deleteQuietly(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            // cleaning up is a courtesy; a leftover hidden file harms nothing
        }
    }

    private static String glob(String literal) {
        StringBuilder b = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
