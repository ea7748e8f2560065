package io.mlops.benchmarks;

import io.mlops.api.artifact.ArtifactStore;
import io.mlops.s3.S3ArtifactStore;
import io.mlops.stores.LocalArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code artifacts.s3.put/get} and {@code artifacts.local.put/get}: one file of
 * {@code bench.artifacts.size_mb} MiB (default 256) stored and read back through the SDK's store
 * (sha256 computed on the way in and verified on the way out) and through the baseline, in
 * alternating rounds, MB/s medians over the rounds. S3 baseline: the plain SDK client's
 * {@code putObject(RequestBody.fromFile)} and {@code getObject} into a sink, to the same S3Proxy
 * server in this JVM. Local baseline: {@code Files.copy} of the file and a plain read of the copy.
 */
final class ArtifactsBenchmark {
    static final int SIZE_MB = Integer.getInteger("bench.artifacts.size_mb", 256);
    static final int ROUNDS = Integer.getInteger("bench.artifacts.rounds", 5);
    private static final String ACCESS = "bench-access";
    private static final String SECRET = "bench-secret";

    private ArtifactsBenchmark() {
    }

    /** One way to store and read back the file: key or path chosen per round. */
    private interface Side {
        void put(Path source, String name) throws IOException;

        void get(String name) throws IOException;

        void remove(String name) throws IOException;
    }

    static List<String> s3() throws Exception {
        Path dir = Files.createTempDirectory("mlops-bench-s3");
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.resolve("server").toString());
        Files.createDirectories(dir.resolve("server"));
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials("unused", "unused")
                .overrides(properties).build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            Thread.sleep(2);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        context.getBlobStore().createContainerInLocation(null, "bench");
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET));
        try (S3Client raw = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).credentialsProvider(credentials).build();
                S3ArtifactStore store = S3ArtifactStore.builder("bench").prefix("sdk").endpoint(endpoint).pathStyle(true)
                        .region("us-east-1").checksums(RequestChecksumCalculation.WHEN_REQUIRED).credentials(credentials).build()) {
            Side plain = new Side() {
                @Override
                public void put(Path source, String name) {
                    raw.putObject(b -> b.bucket("bench").key("raw/" + name), RequestBody.fromFile(source));
                }

                @Override
                public void get(String name) throws IOException {
                    try (InputStream in = raw.getObject(b -> b.bucket("bench").key("raw/" + name))) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                }

                @Override
                public void remove(String name) {
                    raw.deleteObject(b -> b.bucket("bench").key("raw/" + name));
                }
            };
            return measure("artifacts.s3", dir, sdkSide(store), plain);
        } finally {
            proxy.stop();
            context.close();
            ScoringFixtures.delete(dir);
        }
    }

    static List<String> local() throws Exception {
        Path dir = Files.createTempDirectory("mlops-bench-local");
        Path copies = Files.createDirectories(dir.resolve("copies"));
        try (LocalArtifactStore store = LocalArtifactStore.open(dir.resolve("store"))) {
            Side plain = new Side() {
                @Override
                public void put(Path source, String name) throws IOException {
                    Files.copy(source, copies.resolve(name));
                }

                @Override
                public void get(String name) throws IOException {
                    try (InputStream in = Files.newInputStream(copies.resolve(name))) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                }

                @Override
                public void remove(String name) throws IOException {
                    Files.deleteIfExists(copies.resolve(name));
                }
            };
            return measure("artifacts.local", dir, sdkSide(store), plain);
        } finally {
            ScoringFixtures.delete(dir);
        }
    }

    private static Side sdkSide(ArtifactStore store) {
        return new Side() {
            @Override
            public void put(Path source, String name) {
                store.put("bench/" + name, source);
            }

            @Override
            public void get(String name) throws IOException {
                try (InputStream in = store.open("bench/" + name)) {
                    in.transferTo(OutputStream.nullOutputStream()); // verified at the end
                }
            }

            @Override
            public void remove(String name) {
                store.delete("bench/" + name);
            }
        };
    }

    private static List<String> measure(String name, Path dir, Side sdk, Side raw) throws IOException {
        Path source = dir.resolve("source.bin");
        writeRandom(source, (long) SIZE_MB * 1024 * 1024, 42);
        double megabytes = SIZE_MB * 1024.0 * 1024.0 / 1e6;
        List<Double> sdkPut = new ArrayList<>();
        List<Double> rawPut = new ArrayList<>();
        List<Double> sdkGet = new ArrayList<>();
        List<Double> rawGet = new ArrayList<>();
        List<Double> sdkGetCores = new ArrayList<>();
        List<Double> rawGetCores = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        // One warm-up round, not counted, then alternating order so neither side always goes first.
        for (int round = -1; round < ROUNDS; round++) {
            String object = "obj-" + (round + 1);
            boolean sdkFirst = round % 2 == 0;
            for (Side side : sdkFirst ? List.of(sdk, raw) : List.of(raw, sdk)) {
                long t0 = System.nanoTime();
                side.put(source, object);
                long t1 = System.nanoTime();
                long cpu1 = os.getProcessCpuTime();
                side.get(object);
                long t2 = System.nanoTime();
                long cpu2 = os.getProcessCpuTime();
                side.remove(object);
                if (round >= 0) {
                    (side == sdk ? sdkPut : rawPut).add(megabytes / ((t1 - t0) / 1e9));
                    (side == sdk ? sdkGet : rawGet).add(megabytes / ((t2 - t1) / 1e9));
                    // Cores busy in this JVM while reading; an in-JVM server's work is counted too.
                    (side == sdk ? sdkGetCores : rawGetCores).add((double) (cpu2 - cpu1) / (t2 - t1));
                }
            }
            if (round >= 0) {
                System.out.printf(Locale.ROOT, "%s round %d: put sdk %.0f raw %.0f MB/s, get sdk %.0f raw %.0f MB/s"
                        + " (cores busy: sdk %.2f raw %.2f)%n", name, round + 1, last(sdkPut), last(rawPut), last(sdkGet),
                        last(rawGet), last(sdkGetCores), last(rawGetCores));
            }
        }
        double sha256 = sha256Speed(source, megabytes);
        return List.of(line(name + ".put", sdkPut, rawPut, sha256), line(name + ".get", sdkGet, rawGet, sha256));
    }

    /**
     * How fast one core computes SHA-256 over the same bytes already in memory: the ceiling of
     * any store that verifies on the same thread as it transfers, reported beside the ratio.
     */
    private static double sha256Speed(Path source, double megabytes) throws IOException {
        byte[] chunk = new byte[1024 * 1024];
        List<Double> speeds = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            java.security.MessageDigest digest = io.mlops.core.internal.Digests.sha256();
            long hashingNanos = 0;
            try (InputStream in = Files.newInputStream(source)) {
                for (int n; (n = in.readNBytes(chunk, 0, chunk.length)) > 0; ) {
                    long t0 = System.nanoTime();
                    digest.update(chunk, 0, n);
                    hashingNanos += System.nanoTime() - t0;
                }
            }
            digest.digest();
            speeds.add(megabytes / (hashingNanos / 1e9));
        }
        return Stats.median(speeds);
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static String line(String name, List<Double> sdk, List<Double> raw, double sha256) {
        double s = Stats.median(sdk);
        double r = Stats.median(raw);
        return String.format(Locale.ROOT, "BENCH %s size_mb=%d sdk_mb_s=%.0f raw_mb_s=%.0f ratio=%.2f sha256_only_mb_s=%.0f"
                + " rounds=%d", name, SIZE_MB, s, r, s / r, sha256, ROUNDS);
    }

    private static void writeRandom(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
    }
}
