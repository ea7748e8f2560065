package io.mlops.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.api.spi.ModelFlavor;
import java.util.Locale;
import java.util.Objects;

/**
 * The ONNX model flavor: reads signatures from {@code .onnx} files and scores them in-process with
 * ONNX Runtime. Registered through {@code META-INF/services}, so the SDK finds it on the class path;
 * it can also be used directly:
 *
 * <pre>{@code
 * OnnxFlavor onnx = new OnnxFlavor();
 * ModelSignature signature = onnx.inspect(bytes);
 * try (Scorer scorer = onnx.load(version, bytes, ScorerOptions.DEFAULTS)) {
 *     Prediction p = scorer.score(Map.of("age", 41, "balance", 1200.5));
 *     String label = p.label().orElseThrow();
 * }
 * }</pre>
 *
 * <h2>Rows</h2>
 * A model with one input per feature (each shaped {@code [N]} or {@code [N, 1]}) takes rows keyed by
 * input name: {@code FLOAT}/{@code DOUBLE} inputs take any {@link Number}; {@code INT64}/{@code INT32}
 * inputs take whole numbers only (2.0 is accepted, 2.5 is refused rather than truncated);
 * {@code STRING} inputs take any {@link CharSequence}; {@code BOOL} inputs take {@link Boolean}. A
 * model with a single numeric {@code [N, F]} input takes the input's name mapped to a
 * {@code float[]}, {@code double[]}, {@code long[]}, {@code int[]} or {@code List<Number>} of F
 * values, or, when the model's metadata {@code features} holds a JSON array of F names, each
 * feature by name. Models exported with a fixed batch size (for example {@code [1, F]}) are run in
 * chunks of that size; a short last chunk is padded by repeating its last row and the padding's
 * outputs are dropped, which is sound for row-wise models such as every {@code ai.onnx.ml} operator.
 * Any other model is scored through {@link Scorer#scoreTensors} only.
 *
 * <h2>Predictions</h2>
 * A {@code STRING} or {@code INT64} output with one value per row makes the prediction a
 * classification: that output is the label and the first ZipMap ({@code seq(map)}) output, or else
 * the first {@code FLOAT}/{@code DOUBLE} {@code [N, C]} output, gives the probabilities. Tensor
 * probability columns are named by metadata {@code classes} (a JSON array of strings), else by a
 * ZipMap's keys, else {@code "0".."C-1"}. A model whose only output is one {@code FLOAT}/{@code
 * DOUBLE} tensor is a regression, unless its metadata lists {@code classes}: then the output is
 * class probabilities and the label is the most probable class. Anything else is raw.
 *
 * <h2>Errors and lifecycle</h2>
 * Bad bytes and bad rows raise {@link InvalidArgumentException}; a runtime failure during scoring
 * raises {@link io.mlops.api.MlopsException} with ONNX Runtime's message and the original as cause.
 * Scorers are thread-safe and share one native session across callers. {@code close()} waits for
 * calls in flight, frees the session and is idempotent; any later call raises
 * {@link io.mlops.api.ConflictException} (the call contradicts the scorer's state), not
 * {@code IllegalStateException}, so callers handle one exception hierarchy.
 *
 * <p>This class is stateless and thread-safe; arguments must not be null.
 */
public final class OnnxFlavor implements ModelFlavor {
    private static final String NAME = "onnx";

    /** Creates the flavor; it holds no state, so one instance can serve any number of models. */
    public OnnxFlavor() {
    }

    /** Always {@code "onnx"}. */
    @Override
    public String name() {
        return NAME;
    }

    /** True for keys ending in {@code .onnx}, in any case. */
    @Override
    public boolean recognizes(String artifactKey) {
        return artifactKey != null && artifactKey.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /**
     * Reads inputs, outputs and {@code metadata_props}. Symbolic dimensions are reported as -1.
     *
     * @throws InvalidArgumentException if ONNX Runtime cannot load the bytes, with its reason and the original as cause
     */
    @Override
    public ModelSignature inspect(byte[] model) {
        Objects.requireNonNull(model, "model");
        if (model.length == 0) {
            throw new InvalidArgumentException("cannot inspect an empty byte array as an ONNX model");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Only the graph's interface is read, so skip the optimisation passes.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            try (OrtSession session = env.createSession(model, options)) {
                return Signatures.of(session);
            }
        } catch (OrtException e) {
            throw new InvalidArgumentException("the " + model.length + " bytes given are not an ONNX model that"
                    + " ONNX Runtime can load: " + e.getMessage(), e);
        }
    }

    /**
     * Opens one ONNX Runtime session for the version with {@code options.intraOpThreads()} intra-op
     * threads, one inter-op thread and all graph optimisations.
     *
     * @throws InvalidArgumentException if the version is not of this flavor, the bytes cannot be
     *                                  loaded, or the model's {@code features} metadata contradicts its input
     */
    @Override
    public Scorer load(ModelVersion version, byte[] model, ScorerOptions options) {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (!NAME.equalsIgnoreCase(version.flavor())) {
            throw new InvalidArgumentException("model '" + version.name() + "' version " + version.version()
                    + " has flavor '" + version.flavor() + "', not '" + NAME + "'");
        }
        if (model.length == 0) {
            throw new InvalidArgumentException("model '" + version.name() + "' version " + version.version()
                    + " has an empty artifact; expected ONNX bytes");
        }
        return OnnxScorer.open(version, model, options);
    }

    @Override
    public String toString() {
        return "OnnxFlavor";
    }
}
