package io.mlops.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.FileProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.URLProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.mlops.api.tracking.Dataset;
import io.mlops.core.internal.Validation;
import java.io.File;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.DataSourceProvenance;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;

/**
 * The training data as the model's provenance describes it, pinned by the content hash Tribuo
 * computed when it read the source.
 */
final class TrainingData {

    /** Some data sources name their hash field after themselves rather than {@code resource-hash}. */
    private static final String DATASOURCE_HASH = "datasource-hash";
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");

    private TrainingData() {
    }

    /**
     * The dataset to log as the run's input, or empty when the source provenance records no
     * content hash (an in-memory or SQL source, say): without one there is no identity to log.
     */
    static Optional<Dataset> of(ModelProvenance provenance) {
        DatasetProvenance dataset = provenance.getDatasetProvenance();
        DataProvenance source = dataset == null ? null : dataset.getSourceProvenance();
        if (source == null) {
            return Optional.empty();
        }
        Map<String, Provenance> fields = new LinkedHashMap<>();
        for (Pair<String, Provenance> field : source) {
            fields.putIfAbsent(field.getA(), field.getB());
        }
        Optional<String> digest = digest(fields);
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        Optional<Location> location = location(fields);
        String name = location.map(Location::fileName).filter(n -> !n.isBlank()).orElse(simpleName(source));
        String origin = location.map(Location::uri).orElse(source.getClassName());
        return Optional.of(Dataset.builder(datasetName(name), digest.get())
                .source(origin)
                .rowCount(dataset.getNumExamples())
                .build());
    }

    /** Where the source was read from, when it names a file or URL. */
    private record Location(String uri, String fileName) {
    }

    private static Optional<String> digest(Map<String, Provenance> fields) {
        Provenance hash = fields.get(DataSourceProvenance.RESOURCE_HASH);
        if (hash == null) {
            hash = fields.get(DATASOURCE_HASH);
        }
        if (hash == null) {
            hash = fields.values().stream().filter(HashProvenance.class::isInstance).findFirst().orElse(null);
        }
        if (!(hash instanceof PrimitiveProvenance<?> primitive) || primitive.getValue() == null) {
            return Optional.empty();
        }
        String value = String.valueOf(primitive.getValue()).strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        boolean hex = HEX.matcher(value).matches();
        // Tribuo writes hex in upper case; the SDK's digests are lower case, so the same file matches.
        String normalized = hex ? value.toLowerCase(Locale.ROOT) : value;
        boolean sha256 = hash instanceof HashProvenance typed
                && typed.getType() == ProvenanceUtil.HashType.SHA256 && hex && value.length() == 64;
        // Only a digest known to be SHA-256 may claim the sha256: scheme the rest of the SDK compares against.
        return Optional.of((sha256 ? "sha256:" : "tribuo:") + normalized);
    }

    private static Optional<Location> location(Map<String, Provenance> fields) {
        for (Provenance value : fields.values()) {
            if (value instanceof FileProvenance file && file.getValue() != null) {
                File f = file.getValue();
                return Optional.of(new Location(f.toPath().toAbsolutePath().normalize().toUri().toString(), f.getName()));
            }
            if (value instanceof URLProvenance url && url.getValue() != null) {
                URL u = url.getValue();
                String path = u.getPath() == null ? "" : u.getPath();
                return Optional.of(new Location(u.toString(), path.substring(path.lastIndexOf('/') + 1)));
            }
        }
        return Optional.empty();
    }

    private static String simpleName(ObjectProvenance source) {
        String className = source.getClassName();
        if (className == null || className.isEmpty()) {
            return "tribuo-data-source";
        }
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }

    /** File names may hold anything; dataset names may not hold control characters or exceed the limit. */
    private static String datasetName(String name) {
        StringBuilder clean = new StringBuilder(name.length());
        name.chars().forEach(c -> clean.append(Character.isISOControl(c) ? '_' : (char) c));
        return Validation.truncate(clean.toString(), Validation.MAX_DATASET_NAME, "");
    }

    /** The source's class, to say in a warning which data could not be pinned. */
    static String describeSource(ModelProvenance provenance) {
        DatasetProvenance dataset = provenance.getDatasetProvenance();
        DataProvenance source = dataset == null ? null : dataset.getSourceProvenance();
        return source == null ? "none" : source.getClassName();
    }
}
