package io.mlops.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.serving.ServedModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The JSON bodies the endpoint writes. */
final class JsonOut {
    /** Only for {@link PredictionKind#RAW} outputs, which may be primitive arrays or maps. */
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private JsonOut() {
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** {@code {"error":{"status":400,"code":"...","message":"...","id":"..."}}}; id only when not null. */
    static byte[] error(int status, String code, String message, String errorId) {
        return write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeNumberField("status", status);
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            if (errorId != null) {
                g.writeStringField("id", errorId);
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    static byte[] status(String status) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("status", status);
            g.writeEndObject();
        });
    }

    static byte[] ready(boolean ready, List<ServedModel> models) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("status", ready ? "UP" : "DOWN");
            g.writeArrayFieldStart("models");
            for (ServedModel m : models) {
                g.writeStartObject();
                g.writeStringField("uri", m.uri().toString());
                g.writeStringField("state", m.state().name());
                g.writeNumberField("version", m.version().version());
                if (m.problem().isPresent()) {
                    g.writeStringField("problem", m.problem().get());
                }
                g.writeStringField("lastChecked", m.lastChecked().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static byte[] predictions(ModelVersion version, List<Prediction> predictions) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("model", version.name());
            g.writeNumberField("version", version.version());
            g.writeArrayFieldStart("predictions");
            for (Prediction p : predictions) {
                g.writeStartObject();
                if (p.label().isPresent()) {
                    g.writeStringField("label", p.label().get());
                }
                if (!p.probabilities().isEmpty()) {
                    g.writeObjectFieldStart("probabilities");
                    for (Map.Entry<String, Double> e : p.probabilities().entrySet()) {
                        g.writeNumberField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                }
                if (!p.values().isEmpty()) {
                    g.writeArrayFieldStart("values");
                    for (Double v : p.values()) {
                        g.writeNumber(v);
                    }
                    g.writeEndArray();
                }
                if (p.kind() == PredictionKind.RAW) {
                    g.writeFieldName("outputs");
                    MAPPER.writeValue(g, p.outputs());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
