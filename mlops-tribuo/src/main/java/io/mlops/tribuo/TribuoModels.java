package io.mlops.tribuo;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Dataset;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.provenance.ModelProvenance;

/**
 * Logs a trained Tribuo model into a run, and registers it as ONNX, each in one call. Everything
 * comes from the model's own provenance, which Tribuo records for every model it trains: the
 * trainer's configuration becomes parameters, the hash Tribuo took of the training file becomes
 * the run's input, and the whole provenance is kept as an artifact and inside the ONNX file.
 *
 * <pre>{@code
 * MutableDataset<Label> train = new CSVLoader<>(new LabelFactory()).load(Path.of("train.csv"), "label");
 * try (ActiveRun run = mlops.tracking().startRun("credit-risk")) {
 *     LinearSGDModel model = new LogisticRegressionTrainer().train(train);
 *     LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, test);
 *     TribuoModels.log(run, model, evaluation);   // trainer.* params, sha256 input, metrics, provenance
 *     ModelVersion version = TribuoModels.register(mlops, run, "credit-risk", model, "LR baseline");
 *     run.finish();
 * }
 * }</pre>
 *
 * <h2>What is logged</h2>
 * <ul>
 * <li><b>Parameters</b>: every field of the trainer's provenance as {@code trainer.<field>}, nested
 *     configured objects joined by '.' ({@code trainer.optimiser.initialLearningRate}), each
 *     object's class as {@code <path>.class} ({@code trainer.class}), lists of plain values
 *     comma-joined and lists of objects indexed ({@code trainer.members.0.class}); plus
 *     {@code tribuo.version}. Tribuo's trainers keep their seed in a field named {@code seed}, so it
 *     arrives as {@code trainer.seed}, the project's {@code <component>.seed} convention. Keys are
 *     made valid (other characters become '_') and values over 6000 characters are cut with a
 *     trailing "…"; a field that cannot be read is skipped with a warning, never failing the call.</li>
 * <li><b>Input</b>: the training data source's {@code resource-hash} as the digest of a
 *     {@link Dataset} in context {@value #TRAINING_CONTEXT}: {@code sha256:<hex>} when Tribuo
 *     recorded it as SHA-256 (OLCUT's default hash type, so a file's input matches the SDK's own
 *     digest of that file), else {@code tribuo:<hash>}; named after the file, with Tribuo's example
 *     count as row count. Sources without a hash (in-memory lists, SQL) log no input, and
 *     {@link LoggedTribuoModel#dataset()} is empty.</li>
 * <li><b>Metrics</b>, when given, at step 0. See {@link #log(ActiveRun, Model, Evaluation)}.</li>
 * <li><b>Artifact</b> {@value #PROVENANCE_ARTIFACT}: the full provenance in OLCUT's JSON format,
 *     which {@code new JsonProvenanceSerialization(false).deserializeAndUnmarshal(json)} turns back
 *     into the model's {@code ModelProvenance}.</li>
 * </ul>
 *
 * <p>All methods are thread-safe as far as the run and the model are.
 */
public final class TribuoModels {

    /** Run artifact path of the provenance JSON. */
    public static final String PROVENANCE_ARTIFACT = "tribuo/provenance.json";
    /** Run artifact path of the ONNX file that {@code register} stores. */
    public static final String MODEL_ARTIFACT = "model/model.onnx";
    /** Model version tag holding the Tribuo model's class name. */
    public static final String MODEL_CLASS_TAG = "tribuo.model_class";
    /** Model version tag holding the Tribuo version that trained the model. */
    public static final String TRIBUO_VERSION_TAG = "tribuo.version";
    /** The dataset context the training data is logged in. */
    public static final String TRAINING_CONTEXT = "training";

    /**
     * ONNX domain written by {@link #register(Mlops, ActiveRun, String, Model, String)}; ONNX asks
     * for a reverse-DNS name of whoever produced the graph.
     */
    static final String ONNX_DOMAIN = "io.mlops.tribuo";
    /**
     * The ONNX {@code model_version} of self-exported models. The registry numbers versions only
     * once the file is stored, so the file cannot carry the real number; the registry's is the one
     * that counts.
     */
    static final long ONNX_MODEL_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(TribuoModels.class);
    /** Indented, because people read this file during model validation. */
    private static final JsonProvenanceSerialization JSON = new JsonProvenanceSerialization(true);

    private TribuoModels() {
    }

    /**
     * Logs the model's trainer configuration, training data and provenance (no metrics).
     *
     * @throws io.mlops.api.ConflictException if the run already has one of the parameters with another value
     */
    public static LoggedTribuoModel log(ActiveRun run, Model<?> model) {
        return log(run, model, Map.of());
    }

    /**
     * Logs the model as {@link #log(ActiveRun, Model)} does, plus the evaluation's metrics.
     *
     * <p>A classification evaluation ({@code LabelEvaluation}) gives {@code accuracy},
     * {@code macro_f1} (macro-averaged F1), {@code balanced_error_rate} and, when the model gives
     * probabilities, {@code auc.<label>} for each label. Any other evaluation (regression,
     * clustering, multi-label...) gives everything its {@link Evaluation#asMap()} holds, as
     * {@code <metric>.<output>} and {@code <metric>.macro} / {@code <metric>.micro}, e.g.
     * {@code rmse.macro}. Undefined (NaN) values are left out.
     */
    public static LoggedTribuoModel log(ActiveRun run, Model<?> model, Evaluation<?> evaluation) {
        Objects.requireNonNull(evaluation, "evaluation");
        return logAll(run, model, EvaluationMetrics.of(evaluation));
    }

    /**
     * Logs the model as {@link #log(ActiveRun, Model)} does, plus metrics the caller computed.
     * Keys are made valid as parameter keys are; non-finite values are left out.
     */
    public static LoggedTribuoModel log(ActiveRun run, Model<?> model, Map<String, Double> metrics) {
        Objects.requireNonNull(metrics, "metrics");
        return logAll(run, model, EvaluationMetrics.sanitized(metrics));
    }

    /**
     * Returns the ONNX model with the Tribuo model's provenance in its {@code metadata_props} under
     * {@code TRIBUO_PROVENANCE} ({@link ONNXExportable#PROVENANCE_METADATA_FIELD}), in the form Tribuo itself writes
     * there ({@link ONNXExportable#SERIALIZER}), so Tribuo's {@code ONNXExternalModel} can read it
     * back. An existing entry of that key is replaced in place; every other entry, the graph and
     * all other fields are kept. It matters for graphs composed around a Tribuo model
     * (preprocessing, label decoding), which carry Tribuo's provenance only if their builder copied it.
     *
     * @throws InvalidArgumentException if {@code onnx} is not an ONNX model
     */
    public static byte[] withProvenance(byte[] onnx, Model<?> model) {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(model, "model");
        ModelProto original = parse(onnx);
        StringStringEntryProto provenance = StringStringEntryProto.newBuilder()
                .setKey(ONNXExportable.PROVENANCE_METADATA_FIELD)
                .setValue(ONNXExportable.SERIALIZER.marshalAndSerialize(model.getProvenance()))
                .build();
        ModelProto.Builder updated = original.toBuilder().clearMetadataProps();
        boolean written = false;
        for (StringStringEntryProto entry : original.getMetadataPropsList()) {
            if (!entry.getKey().equals(ONNXExportable.PROVENANCE_METADATA_FIELD)) {
                updated.addMetadataProps(entry);
            } else if (!written) {
                updated.addMetadataProps(provenance);
                written = true;
            } // a second entry of the key would leave readers to pick one; drop it
        }
        if (!written) {
            updated.addMetadataProps(provenance);
        }
        return updated.build().toByteArray();
    }

    /**
     * Stores the ONNX model, with the Tribuo provenance put in by {@link #withProvenance}, as run
     * artifact {@value #MODEL_ARTIFACT}, and registers it as a new version of {@code modelName}
     * produced by the run, tagged {@value #MODEL_CLASS_TAG} and {@value #TRIBUO_VERSION_TAG}. The
     * registry reads the signature from the file.
     *
     * <pre>{@code
     * byte[] onnx = new OnnxPipelineExporter("com.bank.models", 1).exportBytes(model, encoding);
     * ModelVersion v = TribuoModels.register(mlops, run, "bank-term-deposit", onnx, model, "LR, no 'duration'");
     * }</pre>
     *
     * @param description free text for the version; may be null
     * @throws InvalidArgumentException if {@code onnx} is not an ONNX model or the name is invalid
     */
    public static ModelVersion register(Mlops mlops, ActiveRun run, String modelName, byte[] onnx, Model<?> model,
                                        String description) {
        Objects.requireNonNull(mlops, "mlops");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(modelName, "modelName");
        byte[] traced = withProvenance(onnx, model);
        StoredObject artifact = run.logArtifact(new ByteArrayInputStream(traced), MODEL_ARTIFACT);
        NewModelVersion.Builder version = NewModelVersion.builder(modelName, artifact.key())
                .runId(run.id())
                .description(description)
                .tag(MODEL_CLASS_TAG, model.getClass().getName());
        String tribuoVersion = model.getProvenance().getTribuoVersion();
        if (tribuoVersion != null && !tribuoVersion.isEmpty()) {
            version.tag(TRIBUO_VERSION_TAG, tribuoVersion);
        }
        return mlops.registry().createVersion(version.build());
    }

    /**
     * Exports the model with Tribuo's own ONNX export ({@link ONNXExportable#exportONNXModel},
     * domain {@code io.mlops.tribuo}, ONNX model version 1) and registers it as
     * {@link #register(Mlops, ActiveRun, String, byte[], Model, String)} does. The graph takes
     * Tribuo's feature vector ({@code [N, features]}, in the model's feature-id order) and returns
     * its raw output; a caller who needs named inputs or labels builds the graph itself and uses
     * the other overload.
     */
    public static <M extends Model<?> & ONNXExportable> ModelVersion register(Mlops mlops, ActiveRun run,
                                                                             String modelName, M model,
                                                                             String description) {
        Objects.requireNonNull(model, "model");
        byte[] onnx = model.exportONNXModel(ONNX_DOMAIN, ONNX_MODEL_VERSION).toByteArray();
        return register(mlops, run, modelName, onnx, model, description);
    }

    private static LoggedTribuoModel logAll(ActiveRun run, Model<?> model, Map<String, Double> metrics) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(model, "model");
        ModelProvenance provenance = model.getProvenance();

        Map<String, String> params = TrainerParams.of(provenance);
        run.logParams(params);

        Optional<Dataset> dataset = trainingData(run, provenance);
        dataset.ifPresent(d -> run.logInput(d, TRAINING_CONTEXT));

        if (!metrics.isEmpty()) {
            run.logMetrics(metrics, 0);
        }

        byte[] json = JSON.marshalAndSerialize(provenance).getBytes(StandardCharsets.UTF_8);
        StoredObject artifact = run.logArtifact(new ByteArrayInputStream(json), PROVENANCE_ARTIFACT);
        return new LoggedTribuoModel(params, dataset, metrics, artifact);
    }

    private static Optional<Dataset> trainingData(ActiveRun run, ModelProvenance provenance) {
        try {
            Optional<Dataset> dataset = TrainingData.of(provenance);
            if (dataset.isEmpty()) {
                LOG.warn("Run {}: the provenance of the training data ({}) records no content hash, so no run input"
                        + " was logged; log the data with run.logDataset(...) to pin it", run.id(),
                        TrainingData.describeSource(provenance));
            }
            return dataset;
        } catch (RuntimeException e) {
            // Data source provenance is third-party code; a broken one must not lose the rest of the log.
            LOG.warn("Run {}: cannot read the training data's provenance, so no run input was logged: {}",
                    run.id(), e.toString());
            return Optional.empty();
        }
    }

    private static ModelProto parse(byte[] onnx) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException("the bytes (" + onnx.length + ") are not an ONNX model: " + e.getMessage(), e);
        }
        // Protobuf parses many byte strings (even an empty one) as a message of unknown fields.
        if (!model.hasGraph()) {
            throw new InvalidArgumentException("the bytes (" + onnx.length + ") are not an ONNX model: no graph");
        }
        return model;
    }
}
