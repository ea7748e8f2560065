/**
 * An embedded HTTP endpoint serving the models of a {@link io.mlops.serving.ModelServer}:
 * {@link io.mlops.http.ScoringHttpServer} with {@link io.mlops.http.ApiKeys} and
 * {@link io.mlops.http.RateLimit}. Everything else in the package is implementation and
 * package-private.
 *
 * <pre>{@code
 * try (ModelServer models = ModelServer.builder(mlops).meterRegistry(prometheus).build();
 *      ScoringHttpServer http = ScoringHttpServer.builder(models)
 *              .apiKeys(ApiKeys.load(Path.of("/etc/mlops/api-keys")))
 *              .rateLimit(RateLimit.of(50, 100))
 *              .meterRegistry(prometheus)
 *              .build()
 *              .start()) {
 *     // POST http://host:8080/v1/models/credit-risk@champion/predict
 *     //      Authorization: Bearer svc-credit.XXXX
 *     //      {"rows": [{"age": 41, "job": "admin."}]}
 * }
 * }</pre>
 *
 * <h2>Why Jetty, and why its core API</h2>
 * The server is Eclipse Jetty 12, used through its core {@code Handler} API rather than servlets.
 * <ul>
 * <li><b>Maintained for security.</b> An Eclipse Foundation project in continuous development
 *     since 1995, with a published security policy, CVE handling and frequent patch releases; the
 *     12.x line is the current one. A bank can track its advisories like any other dependency.</li>
 * <li><b>Made to be embedded.</b> A {@code Server} is an object: no container, no XML, no class
 *     path scanning, its own life cycle under our {@code start()}/{@code close()}. The core API adds
 *     four small jars (jetty-server, -http, -io, -util) and nothing from the servlet world.</li>
 * <li><b>The limits are built in.</b> Bounded {@code QueuedThreadPool}, connection idle timeout
 *     (which also bounds slow request bodies), request header size, strict URI compliance
 *     (ambiguous encoded separators are refused), graceful shutdown that lets requests in flight
 *     finish, and error pages we can replace so no stack trace ever leaves the process.</li>
 * </ul>
 * Alternatives weighed: the JDK's {@code com.sun.net.httpserver} has no header size limit, idle
 * timeout per connection or graceful drain, and lives in a {@code com.sun} package; Netty is a
 * toolkit, on which HTTP semantics (chunked bodies, keep-alive, 100-continue, limits) would be ours
 * to get right; Undertow and Helidon bring a larger stack or a framework for the same result; a
 * servlet container would add a layer we do not need for five routes.
 *
 * <h2>What is hand-written, and why</h2>
 * Rate limiting (a per-key token bucket) and API key checking are a few dozen lines each.
 * Jetty's {@code DoSHandler} runs before authentication and cannot name a retry time; no other
 * dependency already chosen offers either, and a library for each would be a dependency every
 * embedding application inherits.
 */
package io.mlops.http;
