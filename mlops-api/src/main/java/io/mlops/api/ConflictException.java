package io.mlops.api;

/** The call contradicts the current state: changing a param that is already set, ending a run that has already ended, or losing a race with another writer. */
public class ConflictException extends MlopsException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
