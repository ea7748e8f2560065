package io.mlops.samples;

import io.mlops.Mlops;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.Principal;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.RiskTier;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetColumn;
import io.mlops.api.tracking.RunSpec;
import io.mlops.samples.bank.BankMarketingData;
import io.mlops.samples.bank.BankMarketingData.BankClient;
import io.mlops.samples.bank.BankModelTrainer;
import io.mlops.samples.bank.BankModelTrainer.TrainingResult;
import io.mlops.samples.bank.OnnxPipelineExporter;
import io.mlops.serving.ModelServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * The bank quickstart, end to end on the embedded defaults: track a training run on the
 * bank-marketing data, register the model, check that the ONNX file gives Tribuo's own answers,
 * have it approved by a second person (the four-eyes rule refuses self-approval), point
 * {@code champion} at it, and score clients in-process through a model server.
 *
 * <p>Run it from the project root with {@code ./mvnw -q -pl samples -am package -DskipTests &&
 * java -jar samples/target/mlops-quickstart.jar}. Each run registers the next version of
 * {@value #MODEL_NAME}; earlier versions stay. Environment variables {@code MLOPS_METADATA_URI}
 * and {@code MLOPS_ARTIFACT_URI} (with {@code MLOPS_METADATA_USER} / {@code MLOPS_METADATA_PASSWORD})
 * point it at other stores, for example PostgreSQL.
 */
public final class Quickstart {

    static final String EXPERIMENT = "bank-term-deposit";
    static final String MODEL_NAME = "bank-term-deposit";
    static final String ALIAS = "champion";
    /** Builds and registers models; also validates other teams' models, but never her own. */
    static final Principal DATA_SCIENTIST = Principal.of("dana", Set.of("risk-model-developers", "model-validation"));
    /** The independent validator. */
    static final Principal VALIDATOR = Principal.of("victor", Set.of("model-validation"));
    /** In a bank these groups come from the directory (e.g. Active Directory). */
    static final RoleMapping ROLES = RoleMapping.builder()
            .group("risk-model-developers", Role.DATA_SCIENTIST)
            .group("model-validation", Role.VALIDATOR)
            .build();
    /** How far the served ONNX probabilities may be from Tribuo's own (float32 arithmetic in the graph). */
    static final double TOLERANCE = 1e-5;
    private static final int SCORING_BATCH = 1024;

    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        // Tribuo reports each training at INFO on java.util.logging; the quickstart tells its own story.
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private Quickstart() {
    }

    public static void main(String[] args) {
        Path csv = args.length > 0 ? Path.of(args[0]) : BankMarketingData.locateDefaultCsv();
        try (Mlops mlops = openStores()) {
            System.out.println(run(mlops, csv).summaryLine());
        }
    }

    /** What one quickstart run produced. */
    record Outcome(String runId, ModelVersion version, double auc, double maxDifference) {
        String summaryLine() {
            return String.format(java.util.Locale.ROOT, "QUICKSTART run=%s model=%s version=%d auc=%.4f",
                    runId, version.name(), version.version(), auc);
        }
    }

    static Outcome run(Mlops mlops, Path csv) {
        BankMarketingData data = BankMarketingData.load(csv);
        BankModelTrainer trainer = new BankModelTrainer();

        TrainingResult result;
        ModelVersion version;
        String runId;
        try (ActiveRun run = mlops.tracking().startRun(RunSpec.builder(EXPERIMENT)
                .name("tribuo-logistic-regression")
                .tag("framework", "tribuo")
                .build())) {
            runId = run.id();
            // 1. the data set, pinned by its digest
            run.logInput(describe(csv, data), "training");

            // 2. train with a fixed seed on an 80/20 split, leaving out the leaky 'duration'
            result = trainer.train(data);
            run.logParams(result.hyperParameters());
            run.logParam("features", String.join(",", BankMarketingData.FEATURE_COLUMNS));
            run.logParam("excluded_features", "duration");
            run.logMetrics(result.metrics(), 0);

            // 3. export to ONNX with the preprocessing inside the graph, store and register it
            byte[] onnx = new OnnxPipelineExporter("io.mlops.samples", 1).exportBytes(result.model(), result.encoding());
            StoredObject artifact = run.logArtifact(new ByteArrayInputStream(onnx), "model/model.onnx");
            version = mlops.registry().createVersion(NewModelVersion.builder(MODEL_NAME, artifact.key())
                    .runId(run.id())
                    .description("Tribuo logistic regression on bank-marketing without 'duration'")
                    .tag("test_auc", String.format(java.util.Locale.ROOT, "%.4f", result.testAuc()))
                    .build());
            run.finish();
        }

        // 4. the evidence for approval: the registered ONNX file (sha256 verified on load) gives
        //    Tribuo's own answers on every test client
        double maxDifference;
        try (Scorer candidate = mlops.scorer(version.uri().toString())) {
            maxDifference = maxDifferenceFromTribuo(candidate, result);
        }
        if (!(maxDifference <= TOLERANCE)) {
            throw new IllegalStateException("the registered ONNX model differs from Tribuo's own predictions by "
                    + maxDifference + " (allowed " + TOLERANCE + "); the export is wrong, do not promote this version");
        }
        System.out.printf(java.util.Locale.ROOT, "%s: ONNX scores equal Tribuo's on all %d test clients (max difference %.2e)%n",
                version.uri(), result.split().test().size(), maxDifference);

        // 5. four eyes: the data scientist asks for approval and may not give it herself; an
        //    independent validator approves and moves the protected alias
        String evidence = String.format(java.util.Locale.ROOT, "test AUC %.4f on a 20%% holdout; ONNX equals Tribuo"
                + " within %.0e on %d clients", result.testAuc(), TOLERANCE, result.split().test().size());
        mlops.governance().setInventory(MODEL_NAME, ModelInventory.builder()
                .owner("head-of-retail-deposits")
                .developers(List.of(DATA_SCIENTIST.name()))
                .validator(VALIDATOR.name())
                .riskTier(RiskTier.TIER_3)
                .intendedUse("Rank clients for outbound term-deposit campaigns")
                .knownLimitations("Trained on 2008-2010 Portuguese campaign data; not for credit decisions")
                .nextValidationDue(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusYears(1))
                .build());
        mlops.governance().requestApproval(MODEL_NAME, version.version(), evidence);
        try {
            mlops.governance().approve(MODEL_NAME, version.version(), "I checked it myself");
            throw new IllegalStateException("self-approval was accepted; the four-eyes rule is broken");
        } catch (PermissionDeniedException refused) {
            System.out.println("Self-approval refused: " + refused.getMessage());
        }
        Mlops validator = mlops.as(VALIDATOR);
        validator.governance().approve(MODEL_NAME, version.version(), "Reviewed the run, data digest and evidence");
        validator.registry().setAlias(MODEL_NAME, ALIAS, version.version());
        version = mlops.registry().getVersion(MODEL_NAME, version.version());
        System.out.printf("%s approved by %s and promoted to %s%n", version.uri(), VALIDATOR.name(), ALIAS);

        // 6. score through a model server, as an application would: it verifies the artifact's
        //    sha256, loads the version the alias names, and swaps in a new one when the alias moves
        try (ModelServer server = ModelServer.builder(mlops).pollInterval(Duration.ofSeconds(30)).build()) {
            Scorer scorer = server.scorer("models:/" + MODEL_NAME + "@" + ALIAS);
            List<BankClient> test = result.split().test();
            System.out.printf("Serving %s (sha256 %s…)%n", scorer.version().uri(), scorer.version().sha256().substring(0, 12));
            for (BankClient client : test.subList(0, 5)) {
                Prediction p = scorer.score(client.toScoringInput());
                System.out.printf(java.util.Locale.ROOT, "  age %-3s %-13s %-9s -> P(subscribes) = %.3f%n",
                        client.value("age"), client.value("job"), client.value("marital"), p.probability("yes"));
            }
        }
        return new Outcome(runId, version, result.testAuc(), maxDifference);
    }

    /** Largest absolute difference in any class probability over the whole test split. */
    static double maxDifferenceFromTribuo(Scorer scorer, TrainingResult result) {
        List<BankClient> test = result.split().test();
        double max = 0;
        for (int from = 0; from < test.size(); from += SCORING_BATCH) {
            List<BankClient> batch = test.subList(from, Math.min(test.size(), from + SCORING_BATCH));
            List<Map<String, Object>> rows = new ArrayList<>(batch.size());
            batch.forEach(c -> rows.add(c.toScoringInput()));
            List<Prediction> served = scorer.scoreBatch(rows);
            for (int i = 0; i < batch.size(); i++) {
                Map<String, Label> tribuo = result.model()
                        .predict(result.encoding().toExample(batch.get(i), LabelFactory.UNKNOWN_LABEL))
                        .getOutputScores();
                for (Map.Entry<String, Label> expected : tribuo.entrySet()) {
                    double difference = Math.abs(served.get(i).probability(expected.getKey()) - expected.getValue().getScore());
                    max = Math.max(max, difference);
                }
            }
        }
        return max;
    }

    /** The CSV as a dataset version: its sha256, row count and column schema. */
    static Dataset describe(Path csv, BankMarketingData data) {
        List<DatasetColumn> schema = new ArrayList<>();
        for (String column : headerOf(csv)) {
            boolean numeric = BankMarketingData.NUMERIC_COLUMNS.contains(column) || column.equals("duration");
            schema.add(new DatasetColumn(column, numeric ? "integer" : "string"));
        }
        return Dataset.builder("bank-marketing", "sha256:" + sha256(csv))
                .source(csv.toAbsolutePath().normalize().toUri().toString())
                .rowCount(data.rows().size())
                .schema(schema)
                .build();
    }

    private static List<String> headerOf(Path csv) {
        try (java.io.BufferedReader reader = Files.newBufferedReader(csv)) {
            return List.of(reader.readLine().split(","));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The embedded stores under {@code home}, governed, acting as the data scientist. */
    static Mlops openLocal(Path home) {
        return Mlops.builder().local(home).roles(ROLES).principal(DATA_SCIENTIST).build();
    }

    private static Mlops openStores() {
        String metadata = System.getenv("MLOPS_METADATA_URI");
        String artifacts = System.getenv("MLOPS_ARTIFACT_URI");
        if (metadata == null && artifacts == null) {
            return openLocal(Mlops.defaultHome());
        }
        Map<String, String> options = new java.util.LinkedHashMap<>();
        putIfSet(options, "user", System.getenv("MLOPS_METADATA_USER"));
        putIfSet(options, "password", System.getenv("MLOPS_METADATA_PASSWORD"));
        Mlops.Builder builder = Mlops.builder().roles(ROLES).principal(DATA_SCIENTIST);
        if (metadata != null) {
            builder.metadata(metadata, options);
        } else {
            builder.localMetadata(Mlops.defaultHome());
        }
        if (artifacts != null) {
            builder.artifacts(artifacts);
        } else {
            builder.localArtifacts(Mlops.defaultHome());
        }
        return builder.build();
    }

    private static void putIfSet(Map<String, String> options, String key, String value) {
        if (value != null && !value.isEmpty()) {
            options.put(key, value);
        }
    }
}
