package io.mlops.api;

/** Creating something whose name or key is already taken, such as a second experiment of the same name. */
public class AlreadyExistsException extends MlopsException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message) {
        super(message);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
