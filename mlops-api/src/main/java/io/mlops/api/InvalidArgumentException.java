package io.mlops.api;

/** A value given to the SDK breaks a documented rule, for example an invalid model name or a NaN metric. The message names the value and the rule. */
public class InvalidArgumentException extends MlopsException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
