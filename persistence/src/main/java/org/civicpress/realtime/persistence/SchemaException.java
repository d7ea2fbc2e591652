package org.civicpress.realtime.persistence;

/** The journal schema could not be created or checked; the message names the database and the statement. */
public final class SchemaException extends RuntimeException {
    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
