package org.civicpress.ycrdt;

/**
 * Thrown when an update (or any lib0-encoded message) is malformed: truncated, oversized,
 * inconsistent or otherwise impossible. The message says what was wrong and where (byte offset
 * when known). A document that rejects an update with this exception is left unchanged.
 */
public class InvalidUpdateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidUpdateException(String message) {
        super(message);
    }

    public InvalidUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
