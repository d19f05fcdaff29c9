package io.leap.client;

/** A subscription was refused: the server answered {@code SUBSCRIBE} with {@code UNAVAILABLE}. */
public class LeapSubscriptionException extends LeapException {
    private static final long serialVersionUID = 1L;

    private final String channelId;
    private final String errorCode;

    /**
     * @param channelId the channel
     * @param errorCode the server's {@code error_code}, e.g. {@code NOT_GRANTED} or {@code UNKNOWN}; may be {@code null}
     */
    public LeapSubscriptionException(String channelId, String errorCode) {
        super("Subscription to channel '" + channelId + "' refused: "
                + (errorCode == null ? "no error_code" : errorCode));
        this.channelId = channelId;
        this.errorCode = errorCode;
    }

    /** @return the channel ID */
    public String channelId() {
        return channelId;
    }

    /** @return the server's {@code error_code} (e.g. {@code NOT_GRANTED}, {@code UNKNOWN}), or {@code null} */
    public String errorCode() {
        return errorCode;
    }
}
