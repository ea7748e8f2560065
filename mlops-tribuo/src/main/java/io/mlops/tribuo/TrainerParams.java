package io.mlops.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.NullConfiguredProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;

/**
 * Flattens a trainer's provenance into run parameters: {@code trainer.<field>}, nested
 * configured objects joined by '.', their class as {@code <path>.class}.
 */
final class TrainerParams {

    static final String PREFIX = "trainer";
    static final String TRIBUO_VERSION = "tribuo.version";

    private static final Logger LOG = LoggerFactory.getLogger(TribuoModels.class);
    /** OLCUT's name for the configured class; ".class" reads better in a parameter table. */
    private static final String CLASS_NAME = ObjectProvenance.CLASS_NAME;
    /** OLCUT bookkeeping (the config section's short name), not configuration. */
    private static final String HOST_SHORT_NAME = "host-short-name";
    /** Provenance trees are shallow; a deeper one is malformed and would only produce noise. */
    private static final int MAX_DEPTH = 32;

    private TrainerParams() {
    }

    static Map<String, String> of(ModelProvenance provenance) {
        Map<String, String> params = new LinkedHashMap<>();
        TrainerProvenance trainer = provenance.getTrainerProvenance();
        if (trainer != null) {
            flattenObject(PREFIX, trainer, params, 0);
        }
        String version = provenance.getTribuoVersion();
        if (version != null && !version.isEmpty()) {
            LoggableNames.putUnique(params, TRIBUO_VERSION, LoggableNames.paramValue(version));
        }
        return Collections.unmodifiableMap(params);
    }

    private static void flattenObject(String path, ObjectProvenance object, Map<String, String> params, int depth) {
        for (Pair<String, Provenance> field : object) {
            String name = field.getA();
            // The trainer's own tribuo-version is the model's, which is logged once as tribuo.version.
            boolean trainerVersion = depth == 0 && TrainerProvenance.TRIBUO_VERSION_STRING.equals(name);
            if (HOST_SHORT_NAME.equals(name) || trainerVersion) {
                continue;
            }
            String fieldPath = path + "." + (CLASS_NAME.equals(name) ? "class" : name);
            flatten(fieldPath, field.getB(), params, depth + 1);
        }
    }

    private static void flatten(String path, Provenance value, Map<String, String> params, int depth) {
        try {
            if (depth > MAX_DEPTH) {
                LOG.warn("Not logging trainer provenance below '{}': nested more than {} levels", path, MAX_DEPTH);
            } else if (value == null || value instanceof NullConfiguredProvenance) {
                // OLCUT records an unset configurable as a class name with no fields; the truth is "null"
                put(params, path, "null");
            } else if (value instanceof PrimitiveProvenance<?> primitive) {
                put(params, path, String.valueOf(primitive.getValue()));
            } else if (value instanceof ObjectProvenance object) {
                flattenObject(path, object, params, depth);
            } else if (value instanceof ListProvenance<?> list) {
                flattenList(path, list, params, depth);
            } else if (value instanceof MapProvenance<?> map) {
                for (Pair<String, ? extends Provenance> entry : map) {
                    flatten(path + "." + entry.getA(), entry.getB(), params, depth + 1);
                }
            } else {
                put(params, path, value.toString());
            }
        } catch (RuntimeException e) {
            // Provenance classes are third-party code; one broken getValue() must not lose the rest.
            LOG.warn("Not logging trainer provenance field '{}': {}", path, e.toString());
        }
    }

    private static void flattenList(String path, ListProvenance<?> list, Map<String, String> params, int depth) {
        List<String> primitives = new ArrayList<>(list.getList().size());
        for (Provenance element : list) {
            if (!(element instanceof PrimitiveProvenance<?> primitive)) {
                primitives = null;
                break;
            }
            primitives.add(String.valueOf(primitive.getValue()));
        }
        if (primitives != null) {
            put(params, path, String.join(",", primitives));
            return;
        }
        // Lists of configured objects (e.g. an ensemble's members) cannot be joined into one value.
        int index = 0;
        for (Provenance element : list) {
            flatten(path + "." + index++, element, params, depth + 1);
        }
    }

    private static void put(Map<String, String> params, String path, String value) {
        String stored = LoggableNames.paramValue(value);
        String key = LoggableNames.putUnique(params, path, stored);
        if (!key.equals(path) || stored.length() != value.length()) {
            LOG.debug("Trainer provenance field '{}' logged as param '{}' ({} of {} characters)",
                    path, key, stored.length(), value.length());
        }
    }
}
