package io.mlops.mlflow;

import io.mlops.api.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A model that an MLflow run logged: one {@code MLmodel} file among the run's artifacts.
 *
 * <pre>{@code
 * for (MlflowModel model : store.models(run)) {
 *     if (model.flavors().containsKey("onnx")) {
 *         Path onnx = model.onnxFile().orElseThrow();   // e.g. .../artifacts/model/model.onnx
 *     }
 * }
 * }</pre>
 *
 * @param artifactPath where the model sits among the run's artifacts, like {@code model}; {@code ""} if not recorded
 * @param runId the run that logged it; {@code ""} if not recorded
 * @param modelUuid MLflow's id for this model; {@code ""} if not recorded
 * @param mlflowVersion the MLflow version that wrote it; {@code ""} if not recorded
 * @param utcTimeCreated when it was written, as MLflow formats it ({@code 2023-11-14 22:15:23.456789});
 *     {@code ""} if not recorded
 * @param flavors each flavor's settings by flavor name, sorted by name. Settings keep the YAML
 *     types (String, Integer, Long, Double, Boolean, List, Map); settings whose value is YAML
 *     {@code null} are left out, as MLflow treats them as absent.
 * @param onnxData the {@code data} setting of the {@code onnx} flavor, the model file's name relative to
 *     {@link #directory()}; empty if the model has no such flavor or setting
 * @param onnxVersion the {@code onnx_version} setting of the {@code onnx} flavor, if present
 * @param directory the directory holding the {@code MLmodel} file
 */
public record MlflowModel(
        String artifactPath,
        String runId,
        String modelUuid,
        String mlflowVersion,
        String utcTimeCreated,
        Map<String, Map<String, Object>> flavors,
        Optional<String> onnxData,
        Optional<String> onnxVersion,
        Path directory) {

    public MlflowModel {
        Objects.requireNonNull(artifactPath, "artifactPath");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(modelUuid, "modelUuid");
        Objects.requireNonNull(mlflowVersion, "mlflowVersion");
        Objects.requireNonNull(utcTimeCreated, "utcTimeCreated");
        Objects.requireNonNull(onnxData, "onnxData");
        Objects.requireNonNull(onnxVersion, "onnxVersion");
        Objects.requireNonNull(directory, "directory");
        SortedMap<String, Map<String, Object>> copy = new TreeMap<>();
        Objects.requireNonNull(flavors, "flavors").forEach((flavor, settings) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> frozen = (Map<String, Object>) freeze(Objects.requireNonNull(settings, flavor));
            copy.put(flavor, frozen);
        });
        flavors = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * The ONNX model file the {@code onnx} flavor names, resolved against {@link #directory()}. The file
     * is not required to exist: a store copied without its large artifacts still describes its models.
     *
     * @return empty if the model has no {@code onnx} flavor with a {@code data} setting
     * @throws InvalidArgumentException if {@code data} points outside the model directory, for example
     *     {@code ../../secret} or an absolute path, since a store from elsewhere must not make us read
     *     arbitrary files
     * @throws UncheckedIOException if the file exists but its real location cannot be determined
     */
    public Optional<Path> onnxFile() {
        if (onnxData.isEmpty()) {
            return Optional.empty();
        }
        String data = onnxData.get();
        Path base = directory.toAbsolutePath().normalize();
        Path resolved;
        try {
            resolved = base.resolve(data).normalize();
        } catch (InvalidPathException e) {
            throw outside(data, base, e);
        }
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw outside(data, base, null);
        }
        if (Files.exists(resolved)) {
            // A symbolic link inside the folder could still lead elsewhere; compare real locations too.
            try {
                if (!resolved.toRealPath().startsWith(base.toRealPath())) {
                    throw outside(data, base, null);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot resolve the real location of " + resolved, e);
            }
        }
        return Optional.of(resolved);
    }

    private static InvalidArgumentException outside(String data, Path base, Exception cause) {
        String message = "MLmodel file " + base.resolve("MLmodel") + ": onnx flavor data '" + data
                + "' does not name a file inside the model directory " + base
                + "; expected a relative file name like 'model.onnx'";
        return cause == null ? new InvalidArgumentException(message) : new InvalidArgumentException(message, cause);
    }

    /** A deep unmodifiable copy, so that no caller can change a model's settings after the fact. */
    private static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(freeze(element));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
