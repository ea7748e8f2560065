package io.mlops.api;

/** The thing named does not exist: an experiment, run, model, version, alias or artifact. */
public class NotFoundException extends MlopsException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
