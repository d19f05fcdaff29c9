package io.leap.client.internal;

import io.leap.client.LeapException;

/** A frame could not be decoded; it is skipped, the connection stays up. Internal. */
final class DecodeException extends LeapException {
    private static final long serialVersionUID = 1L;

    DecodeException(String message) {
        super(message);
    }

    DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
