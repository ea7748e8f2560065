package io.mlops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verification at end of stream, both for small streams hashed as they are read and for large
 * ones hashed on another core: the same bytes come out, and any change is caught at the end.
 * Background waits are uninterruptible, so only a separate-thread timeout turns a hang into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VerifyingInputStreamTest {
    private static final int LARGE = (int) VerifyingInputStream.BACKGROUND_HASH_BYTES + 3 * BackgroundDigest.CHUNK_BYTES + 17;

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static VerifyingInputStream verifying(byte[] served, byte[] recorded) {
        return VerifyingInputStream.hashingAlongside(new ByteArrayInputStream(served), "k", Digests.sha256Hex(recorded),
                recorded.length);
    }

    /** Reads with single bytes, skips and reads of odd lengths, so chunks fill at every offset. */
    private static byte[] readMixed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[70_001];
        Random sizes = new Random(3);
        int step = 0;
        while (true) {
            step++;
            if (step % 50 == 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                out.write(b);
            } else {
                int n = in.read(buffer, 0, 1 + sizes.nextInt(buffer.length));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    @Test
    void smallAndLargeStreams_passThroughUnchanged_andVerifyAtTheEnd() throws IOException {
        for (int size : new int[] {0, 1, 8191, LARGE, (int) VerifyingInputStream.BACKGROUND_HASH_BYTES}) {
            byte[] bytes = random(size, size);
            try (VerifyingInputStream in = verifying(bytes, bytes)) {
                assertThat(readMixed(in)).as("%d bytes", size).isEqualTo(bytes);
                assertThat(in.read()).as("read again after the end").isEqualTo(-1);
            }
        }
    }

    @Test
    void hashingAlongside_goesToTheBackground_onlyForLargeStreams_withASpareCore() {
        boolean spareCore = Runtime.getRuntime().availableProcessors() > 1;
        byte[] large = new byte[LARGE];
        byte[] under = new byte[(int) VerifyingInputStream.BACKGROUND_HASH_BYTES - 1];
        assertThat(verifying(large, large).hashesInBackground()).isEqualTo(spareCore);
        assertThat(verifying(under, under).hashesInBackground()).isFalse();
        assertThat(new VerifyingInputStream(new ByteArrayInputStream(large), "k", Digests.sha256Hex(large), LARGE)
                .hashesInBackground()).isFalse();
        if (System.getenv("CI") != null) {
            assertThat(spareCore).as("on one core the large-stream tests cover only the inline path").isTrue();
        }
    }

    @Test
    void aFailedVerdict_isGivenAgain_onEveryLaterRead() throws IOException {
        byte[] recorded = random(LARGE, 41);
        byte[] served = recorded.clone();
        served[7] ^= 1;
        try (VerifyingInputStream in = verifying(served, recorded)) {
            assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
                    .isInstanceOf(IntegrityException.class);
            assertThatThrownBy(in::read).isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> in.read(new byte[10], 0, 10)).isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    void hashingOnTheReadingThread_givesTheSameVerdicts() throws IOException {
        byte[] recorded = random(LARGE, 31);
        try (VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(recorded), "k",
                Digests.sha256Hex(recorded), LARGE)) {
            assertThat(readMixed(in)).isEqualTo(recorded);
        }
        byte[] served = recorded.clone();
        served[0] ^= 1;
        assertThatThrownBy(() -> {
            try (VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(served), "k",
                    Digests.sha256Hex(recorded), LARGE)) {
                readMixed(in);
            }
        }).isInstanceOf(IntegrityException.class);
    }

    @Test
    void oneChangedByte_inASmallOrLargeStream_failsAtTheEnd() {
        for (int size : new int[] {4096, LARGE}) {
            byte[] recorded = random(size, 11);
            byte[] served = recorded.clone();
            served[size / 2] ^= 1;
            assertThatThrownBy(() -> {
                try (VerifyingInputStream in = verifying(served, recorded)) {
                    readMixed(in);
                }
            }).as("%d bytes", size).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("does not match its recorded digest")
                    .hasMessageContaining(Digests.sha256Hex(served));
        }
    }

    @Test
    void aShortLargeStream_failsOnItsLength() {
        byte[] recorded = random(LARGE, 5);
        byte[] served = java.util.Arrays.copyOf(recorded, LARGE - 1);
        assertThatThrownBy(() -> {
            try (VerifyingInputStream in = verifying(served, recorded)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining("read sha256 " + Digests.sha256Hex(served)
                + " and " + (LARGE - 1) + " bytes");
    }

    @Test
    void skippedBytesAreHashedToo() throws IOException {
        byte[] recorded = random(LARGE, 8);
        byte[] served = recorded.clone();
        served[100] ^= 1; // inside the skipped part
        try (VerifyingInputStream in = verifying(served, served)) {
            assertThat(in.skip(LARGE - 10)).isEqualTo(LARGE - 10);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThatThrownBy(() -> {
            try (VerifyingInputStream in = verifying(served, recorded)) {
                in.skip(LARGE - 10);
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }).isInstanceOf(IntegrityException.class);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyLargeStreamsAtOnce_andStreamsLeftHalfRead_eachGetTheirOwnVerdict() throws Exception {
        // Streams abandoned halfway must hold no hashing thread: those opened after them still finish.
        List<InputStream> abandoned = new ArrayList<>();
        for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors() + 2; i++) {
            byte[] bytes = random(LARGE, 100 + i);
            VerifyingInputStream in = verifying(bytes, bytes);
            in.readNBytes(LARGE / 2);
            abandoned.add(in);
        }
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> verdicts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean tamper = i % 3 == 0;
                long seed = 200 + i;
                verdicts.add(readers.submit(() -> {
                    byte[] recorded = random(LARGE, seed);
                    byte[] served = recorded.clone();
                    if (tamper) {
                        served[LARGE - 1] ^= 1;
                    }
                    try (VerifyingInputStream in = verifying(served, recorded)) {
                        return readMixed(in).length == LARGE;
                    } catch (IntegrityException e) {
                        return false;
                    }
                }));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(verdicts.get(i).get()).as("stream %d verified", i).isEqualTo(i % 3 != 0);
            }
        } finally {
            readers.shutdownNow();
        }
        for (InputStream in : abandoned) {
            in.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anInterruptedReader_readsToTheEnd_andKeepsItsInterrupt() throws IOException {
        byte[] bytes = random(LARGE, 21);
        Thread.currentThread().interrupt();
        try (VerifyingInputStream in = verifying(bytes, bytes)) {
            assertThat(readMixed(in)).isEqualTo(bytes);
        } finally {
            assertThat(Thread.interrupted()).as("interrupt kept").isTrue();
        }
    }
}
