package io.leap.client.internal.codec;

import io.leap.client.LeapException;

/** A frame could not be decoded; it is skipped, the connection stays up. Internal. */
public final class DecodeException extends LeapException {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
