package io.mlops.http;

import java.util.Map;

/**
 * A request the endpoint answers with an error status. Carries no stack trace: it is control
 * flow, and its message goes to the client as is, so it must never hold customer data from
 * another request, a key, or internals.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final transient Map<String, String> headers;
    /** The id under which the server logged the cause; null when nothing was logged. */
    final String errorId;

    HttpError(int status, String code, String message) {
        this(status, code, message, Map.of(), null);
    }

    HttpError(int status, String code, String message, Map<String, String> headers) {
        this(status, code, message, headers, null);
    }

    HttpError(int status, String code, String message, Map<String, String> headers, String errorId) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
        this.errorId = errorId;
    }

    static HttpError badRequest(String code, String message) {
        return new HttpError(400, code, message);
    }
}
