package io.mlops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Chunks hashed once each and in order, whatever the read sizes and pauses, with more streams
 * than pool threads; a failing hash fails the reader instead of leaving it waiting. The waits are
 * uninterruptible, so only a separate-thread timeout turns a hang into a failure.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class BackgroundDigestTest {
    private static final int CHUNK = BackgroundDigest.CHUNK_BYTES;

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Reads of 1..maxRead bytes with single bytes mixed in; pauses (1 in pauseOneIn) let the task drain and stop. */
    private static byte[] feed(BackgroundDigest digest, byte[] bytes, Random random, int maxRead, int pauseOneIn) {
        int position = 0;
        while (position < bytes.length) {
            if (random.nextInt(64) == 0) {
                digest.update(bytes[position++]);
            } else {
                int n = Math.min(bytes.length - position, 1 + random.nextInt(maxRead));
                digest.update(bytes, position, n);
                position += n;
            }
            if (pauseOneIn > 0 && random.nextInt(pauseOneIn) == 0) {
                LockSupport.parkNanos(random.nextInt(400_000));
            }
        }
        return digest.finish();
    }

    @Test
    void everySizeAroundTheChunkAndBufferCountBoundaries() {
        int allBuffers = BackgroundDigest.CHUNKS * CHUNK;
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, allBuffers - 1, allBuffers, allBuffers + 1,
                9 * CHUNK + 7}) {
            byte[] bytes = random(size, size);
            assertThat(feed(new BackgroundDigest(), bytes, new Random(size), 3 * CHUNK, 0))
                    .as("%d bytes", size).isEqualTo(Digests.sha256().digest(bytes));
        }
    }

    /** A reader sometimes slower than the hash: chunks go to fresh tasks through the hand-off. */
    @RepeatedTest(25)
    void aReaderThatPauses_getsEveryChunkHashedOnceAndInOrder(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        byte[] bytes = random(24 * CHUNK + random.nextInt(CHUNK), repetition.getCurrentRepetition());
        assertThat(feed(new BackgroundDigest(), bytes, random, CHUNK / 3, 3)).isEqualTo(Digests.sha256().digest(bytes));
    }

    /** Every read loop reuses its array at once: update must copy, not hash in place later. */
    @Test
    void theCallersArray_isCopied() {
        byte[] bytes = random(10 * CHUNK + 5, 9);
        BackgroundDigest digest = new BackgroundDigest();
        byte[] scratch = new byte[8192];
        for (int position = 0; position < bytes.length; position += scratch.length) {
            int n = Math.min(scratch.length, bytes.length - position);
            System.arraycopy(bytes, position, scratch, 0, n);
            digest.update(scratch, 0, n);
            Arrays.fill(scratch, (byte) 0x5A);
        }
        assertThat(digest.finish()).isEqualTo(Digests.sha256().digest(bytes));
    }

    @Test
    void moreStreamsThanPoolThreads_eachGetsItsOwnDigest() throws Exception {
        int streams = 3 * Runtime.getRuntime().availableProcessors() + 1;
        ExecutorService readers = Executors.newFixedThreadPool(streams);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                long seed = 1000 + s;
                done.add(readers.submit(() -> {
                    Random random = new Random(seed);
                    for (int round = 0; round < 15; round++) {
                        byte[] bytes = random(6 * CHUNK + random.nextInt(2 * CHUNK), seed * 100 + round);
                        assertThat(feed(new BackgroundDigest(), bytes, random, CHUNK / 2, 8))
                                .as("stream %d round %d", seed, round).isEqualTo(Digests.sha256().digest(bytes));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void aHashThatFails_failsTheReader_insteadOfLeavingItWaiting() {
        MessageDigest failing = new MessageDigest("failing") {
            @Override
            protected void engineUpdate(byte input) {
                throw new IllegalArgumentException("simulated hash failure");
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int length) {
                throw new IllegalArgumentException("simulated hash failure");
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[32];
            }

            @Override
            protected void engineReset() {
            }
        };
        BackgroundDigest digest = new BackgroundDigest(failing);
        byte[] bytes = random(3 * BackgroundDigest.CHUNKS * CHUNK, 4);
        // With every buffer lost to the failed task, either a later update or finish() must throw.
        assertThatThrownBy(() -> {
            digest.update(bytes, 0, bytes.length);
            digest.finish();
        }).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("hashing this stream failed")
                .hasRootCauseMessage("simulated hash failure");
    }
}
