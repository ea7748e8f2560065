package io.mlops.api;

/**
 * Root of every exception the SDK throws. All are unchecked.
 *
 * <p>Messages name the offending value, the state it met and what would have been valid. Adapters
 * wrap the checked exceptions of their libraries (JDBC, I/O, HTTP) into a subclass of this type
 * with the original kept as the cause.
 *
 * <pre>{@code
 * try {
 *     registry.resolve("models:/credit-risk@champion");
 * } catch (NotFoundException e) {
 *     // no such model or alias
 * } catch (MlopsException e) {
 *     if (e.retryable()) { ... back off and try again ... }
 * }
 * }</pre>
 */
public class MlopsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MlopsException(String message) {
        super(message);
    }

    public MlopsException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the same call may succeed if repeated later without any change, for example after a
     * database fail-over. Only {@link StoreUnavailableException} is retryable by default.
     */
    public boolean retryable() {
        return false;
    }
}
