package io.mlops.http;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.ModelUri;
import io.mlops.api.NotFoundException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.core.internal.Validation;
import io.mlops.serving.ModelServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes, authenticates, limits and answers every request. Blocking (scoring runs on the Jetty
 * thread that read the request), so the thread pool bounds how many calls score at once.
 *
 * <p>Status codes: 400 when the body cannot be read as {@code {"rows": [...]}} (malformed JSON,
 * wrong shape, a nested object or a non-numeric array as a feature); 422 when the body is well
 * formed but the model refuses the rows (a missing, unknown or mistyped feature, NaN, too many
 * rows), with the scorer's message; 404 when the path or the model does not exist; 503 when the
 * model exists but cannot be loaded or verified; 500 for anything else, with an error id that is
 * logged beside the stack trace. Request bodies and API keys are never logged.
 */
final class ScoringHandler extends Handler.Abstract {
    static final String JSON_TYPE = "application/json";
    /** Most of a refused body read and dropped so that the refusal reaches the client. */
    static final long MAX_DISCARDED_BYTES = 2L * 1024 * 1024;
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PREFIX = "/v1/models/";
    private static final String SUFFIX = "/predict";
    private static final String VERSIONS = "/versions/";
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
    private static final Logger LOG = LoggerFactory.getLogger(ScoringHttpServer.class);

    /** Routes, by the template that tags their metrics. */
    enum Route {
        PREDICT_ALIAS("/v1/models/{name}@{alias}/predict", "POST"),
        PREDICT_VERSION("/v1/models/{name}/versions/{version}/predict", "POST"),
        HEALTH("/health", "GET"),
        READY("/ready", "GET"),
        METRICS("/metrics", "GET"),
        UNMATCHED("unmatched", null);

        final String template;
        final String method;

        Route(String template, String method) {
            this.template = template;
            this.method = method;
        }
    }

    /** A matched path: the route and, for predict, the model reference as written. */
    private record Match(Route route, String name, String aliasOrVersion) {
    }

    /** What to send. */
    private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, byte[] body) {
            return new Reply(status, JSON_TYPE, body, Map.of());
        }
    }

    private final ModelServer models;
    private final ApiKeys keys;
    private final TokenBuckets buckets;
    private final RateLimit rateLimit;
    private final int maxBodyBytes;
    private final boolean metricsNeedKey;
    private final PrometheusMeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    ScoringHandler(ModelServer models, ApiKeys keys, TokenBuckets buckets, RateLimit rateLimit, int maxBodyBytes,
            boolean metricsNeedKey, PrometheusMeterRegistry registry) {
        super(InvocationType.BLOCKING);
        this.models = models;
        this.keys = keys;
        this.buckets = buckets;
        this.rateLimit = rateLimit;
        this.maxBodyBytes = maxBodyBytes;
        this.metricsNeedKey = metricsNeedKey;
        this.registry = registry;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        Match match = match(Request.getPathInContext(request));
        Reply reply;
        try {
            reply = dispatch(match, request);
        } catch (HttpError e) {
            reply = error(e);
        } catch (RuntimeException e) {
            reply = internalError(match, e);
        }
        String method = request.getMethod();
        timer(match.route(), KNOWN_METHODS.contains(method) ? method : "OTHER", reply.status())
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        send(response, reply, callback);
        return true;
    }

    private Reply dispatch(Match match, Request request) {
        Route route = match.route();
        if (route == Route.UNMATCHED) {
            String path = Request.getPathInContext(request);
            throw new HttpError(404, "not_found", "no route for '" + abbreviate(path) + "'; the routes are POST "
                    + Route.PREDICT_ALIAS.template + ", POST " + Route.PREDICT_VERSION.template
                    + ", GET /health, GET /ready and GET /metrics");
        }
        if (!route.method.equals(request.getMethod())) {
            throw new HttpError(405, "method_not_allowed", request.getMethod() + " is not allowed on "
                    + route.template + "; use " + route.method, Map.of("Allow", route.method));
        }
        return switch (route) {
            case HEALTH -> Reply.json(200, JsonOut.status("UP"));
            case READY -> {
                boolean ready = models.healthy();
                yield Reply.json(ready ? 200 : 503, JsonOut.ready(ready, models.status()));
            }
            case METRICS -> {
                if (metricsNeedKey) {
                    authenticate(request);
                }
                yield new Reply(200, PROMETHEUS_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
            }
            default -> predict(match, request);
        };
    }

    private Reply predict(Match match, Request request) {
        String keyId = authenticate(request);
        limit(keyId);
        requireJson(request);
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            discardRest(Content.Source.asInputStream(request));
            throw tooLarge(declared + " bytes");
        }
        ModelUri uri = uri(match);
        Scorer scorer = load(uri, keyId);
        JsonRows.Body body = JsonRows.readBody(readBody(request));
        return score(uri, scorer, body.rows(), body.requestIds(), keyId);
    }

    private Reply score(ModelUri uri, Scorer scorer, List<Map<String, Object>> rows, List<String> requestIds, String keyId) {
        try {
            // A swap between reading the version and scoring would mislabel the answer, so score
            // again in the rare case the version changed meanwhile.
            for (int attempt = 0; ; attempt++) {
                ModelVersion before = scorer.version();
                List<Prediction> predictions;
                if (requestIds == null) {
                    predictions = rows.size() == 1
                            ? List.of(scorer.score(rows.get(0))) // single rows may be micro-batched with others
                            : scorer.scoreBatch(rows);
                } else {
                    // The ids go to the prediction log, so that outcomes can be recorded against them later.
                    predictions = rows.size() == 1
                            ? List.of(scorer.score(requestIds.get(0), rows.get(0)))
                            : scorer.scoreBatch(requestIds, rows);
                }
                ModelVersion after = scorer.version();
                if (before.version() == after.version() || attempt == 2) {
                    return Reply.json(200, JsonOut.predictions(before, predictions));
                }
            }
        } catch (InvalidArgumentException e) {
            throw new HttpError(422, "invalid_rows", e.getMessage());
        } catch (NotFoundException e) {
            throw new HttpError(404, "model_not_found", e.getMessage());
        } catch (MlopsException e) {
            throw unavailable(uri, e, keyId);
        }
    }

    private Scorer load(ModelUri uri, String keyId) {
        try {
            return models.scorer(uri);
        } catch (NotFoundException e) {
            // The URI's syntax was checked when the route was matched: any other refusal here means
            // the model exists but cannot be loaded (no flavor for it, a file the runtime rejects).
            throw new HttpError(404, "model_not_found", e.getMessage());
        } catch (MlopsException e) {
            throw unavailable(uri, e, keyId);
        }
    }

    private static HttpError unavailable(ModelUri uri, MlopsException e, String keyId) {
        String id = errorId();
        String why = e instanceof IntegrityException ? "its artifact failed verification" : "it cannot be loaded or run";
        if (e instanceof IntegrityException) {
            // The message says all there is (model, expected and actual digest); a trace adds nothing.
            LOG.warn("{} cannot be served (error id {}, key {}): {}", uri, id, keyId, e.getMessage());
        } else {
            LOG.warn("{} cannot be served (error id {}, key {}): {}", uri, id, keyId, e.toString(), e);
        }
        Map<String, String> headers = e.retryable() ? Map.of("Retry-After", "1") : Map.of();
        return new HttpError(503, "model_unavailable", uri + " cannot be served now: " + why
                + "; the error id " + id + " is in the server log", headers, id);
    }

    private static ModelUri uri(Match match) {
        try {
            // Core's naming rules, checked here so that a refusal later can only mean "cannot load".
            Validation.modelName(match.name());
            if (match.route() == Route.PREDICT_ALIAS) {
                return ModelUri.ofAlias(match.name(), Validation.alias(match.aliasOrVersion()));
            }
            String v = match.aliasOrVersion();
            if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new HttpError(404, "model_not_found", "version '" + abbreviate(v) + "' of model '"
                        + abbreviate(match.name()) + "' does not exist; versions are whole numbers from 1");
            }
            return ModelUri.ofVersion(match.name(), Integer.parseInt(v));
        } catch (InvalidArgumentException e) {
            throw new HttpError(404, "model_not_found", e.getMessage());
        }
    }

    private String authenticate(Request request) {
        if (keys == null) {
            return "anonymous";
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String presented = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).strip();
        }
        if (presented == null) {
            presented = request.getHeaders().get("X-API-Key");
        }
        if (presented == null || presented.isBlank()) {
            throw new HttpError(401, "missing_api_key", "an API key is required: send 'Authorization: Bearer <key>' "
                    + "or 'X-API-Key: <key>'", Map.of("WWW-Authenticate", "Bearer realm=\"mlops\""));
        }
        String keyId = keys.authenticate(presented.strip());
        if (keyId == null) {
            throw new HttpError(401, "invalid_api_key", "the API key is not valid",
                    Map.of("WWW-Authenticate", "Bearer realm=\"mlops\", error=\"invalid_token\""));
        }
        return keyId;
    }

    private void limit(String keyId) {
        if (buckets == null) {
            return;
        }
        long waitNanos = buckets.tryAcquire(keyId);
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new HttpError(429, "rate_limited", "API key '" + keyId + "' is over its rate limit of "
                    + rateLimit + "; retry after " + seconds + " s", Map.of("Retry-After", Long.toString(seconds)));
        }
    }

    private static void requireJson(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            throw new HttpError(415, "unsupported_media_type", "the request has no Content-Type; send the rows as "
                    + JSON_TYPE);
        }
        String[] parts = type.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        boolean json = media.equals(JSON_TYPE) || media.startsWith("application/") && media.endsWith("+json");
        String charset = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=")) {
                charset = p.substring(8).replace("\"", "");
            }
        }
        if (!json || charset != null && !charset.equals("utf-8")) {
            throw new HttpError(415, "unsupported_media_type", "Content-Type '" + abbreviate(type)
                    + "' is not accepted; send the rows as " + JSON_TYPE + " in UTF-8");
        }
    }

    /** Reads the body, refusing it as soon as it passes the limit (chunked bodies declare no length). */
    private byte[] readBody(Request request) {
        InputStream in = Content.Source.asInputStream(request);
        long declared = request.getLength();
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 4096);
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                if (out.size() + (long) n > maxBodyBytes) {
                    discardRest(in);
                    throw tooLarge("more than that");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw HttpError.badRequest("unreadable_body", "the request body could not be read to its end");
        }
        return out.toByteArray();
    }

    /**
     * Reads and drops what is left of a refused body, up to {@value #MAX_DISCARDED_BYTES} bytes.
     * Closing a connection with request bytes still unread makes the kernel send a reset, which
     * can destroy the 413 before the client reads it; past the bound the connection is closed
     * anyway, as a client sending that much after the limit is not worth the server's time.
     */
    private static void discardRest(InputStream in) {
        byte[] buffer = new byte[8192];
        long discarded = 0;
        try {
            for (int n = in.read(buffer); n != -1 && discarded < MAX_DISCARDED_BYTES; n = in.read(buffer)) {
                discarded += n;
            }
        } catch (IOException e) {
            // The client went away or broke the body: the 413 is all it gets either way.
        }
    }

    private HttpError tooLarge(String size) {
        return new HttpError(413, "body_too_large", "the request body is limited to " + maxBodyBytes
                + " bytes and this one has " + size + "; send fewer rows per request");
    }

    private static Match match(String path) {
        if (path == null) {
            return new Match(Route.UNMATCHED, null, null);
        }
        switch (path) {
            case "/health":
                return new Match(Route.HEALTH, null, null);
            case "/ready":
                return new Match(Route.READY, null, null);
            case "/metrics":
                return new Match(Route.METRICS, null, null);
            default:
                break;
        }
        if (path.startsWith(PREFIX) && path.endsWith(SUFFIX) && path.length() > PREFIX.length() + SUFFIX.length()) {
            String ref = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
            int slash = ref.indexOf('/');
            int at = ref.lastIndexOf('@');
            // The path is still percent-encoded; split first, then decode each part.
            if (slash < 0 && at > 0 && at < ref.length() - 1) {
                return new Match(Route.PREDICT_ALIAS, decode(ref.substring(0, at)), decode(ref.substring(at + 1)));
            }
            if (slash > 0 && at < 0 && ref.startsWith(VERSIONS, slash)
                    && ref.indexOf('/', slash + VERSIONS.length()) < 0) {
                return new Match(Route.PREDICT_VERSION, decode(ref.substring(0, slash)),
                        decode(ref.substring(slash + VERSIONS.length())));
            }
        }
        return new Match(Route.UNMATCHED, null, null);
    }

    private static String decode(String segment) {
        try {
            return URIUtil.decodePath(segment);
        } catch (RuntimeException e) {
            return segment; // Jetty refuses bad encodings before a handler runs; if one got here, names will not match
        }
    }

    private static Reply error(HttpError e) {
        return new Reply(e.status, JSON_TYPE, JsonOut.error(e.status, e.code, e.getMessage(), e.errorId), e.headers);
    }

    private static Reply internalError(Match match, RuntimeException e) {
        String id = errorId();
        LOG.error("request to {} failed with error id {}", match.route().template, id, e);
        return Reply.json(500, JsonOut.error(500, "internal_error", "the request failed inside the server; the error id "
                + id + " is in the server log", id));
    }

    private Timer timer(Route route, String method, int status) {
        String key = route.ordinal() + " " + method + " " + status;
        return timers.computeIfAbsent(key, k -> Timer.builder("mlops.http.requests")
                .description("HTTP requests answered, by route template, method and status")
                .tag("route", route.template)
                .tag("method", method)
                .tag("status", Integer.toString(status))
                .register(registry));
    }

    private static void send(Response response, Reply reply, Callback callback) {
        response.setStatus(reply.status());
        var headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        reply.headers().forEach(headers::put);
        headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }

    private static String errorId() {
        return UUID.randomUUID().toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
