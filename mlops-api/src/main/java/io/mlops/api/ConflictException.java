package io.mlops.api;

/** The call contradicts the current state: changing a param that is already set, ending a run that has already ended, or losing a race with another writer. */
public class ConflictException extends MlopsException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public ConflictException(String message) {
        this(message, null, false);
    }

    public ConflictException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param retryable true for a conflict that goes away by itself, such as losing a race with
     *                  concurrent writers; false for one the caller must resolve (a changed param)
     */
    public ConflictException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }
}
