package io.mlops.api;

/**
 * A store could not be reached or failed while working: a database down or restarting, an S3
 * endpoint unreachable, a disk full. Retryable: the same call may succeed later.
 */
public class StoreUnavailableException extends MlopsException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
