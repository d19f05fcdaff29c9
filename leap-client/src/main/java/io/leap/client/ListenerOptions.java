package io.leap.client;

import java.util.Objects;

/**
 * Per-listener delivery options. Unset values fall back to the client's defaults
 * ({@link LeapClient.Builder#bufferSize(int)}, {@link LeapClient.Builder#overflowPolicy(OverflowPolicy)}).
 *
 * <pre>{@code
 * client.addMessageListener(this::onPrice,
 *         ListenerOptions.defaults().withBufferSize(10_000).withOverflowPolicy(OverflowPolicy.DROP_OLDEST));
 * }</pre>
 */
public final class ListenerOptions {

    private static final ListenerOptions DEFAULTS = new ListenerOptions(0, null, null);

    private final int bufferSize;
    private final OverflowPolicy overflowPolicy;
    private final String name;

    private ListenerOptions(int bufferSize, OverflowPolicy overflowPolicy, String name) {
        this.bufferSize = bufferSize;
        this.overflowPolicy = overflowPolicy;
        this.name = name;
    }

    /** @return options that use the client's defaults */
    public static ListenerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param bufferSize maximum number of events waiting for this listener, at least 1
     * @return a copy with that buffer size
     */
    public ListenerOptions withBufferSize(int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, was " + bufferSize);
        }
        return new ListenerOptions(bufferSize, overflowPolicy, name);
    }

    /**
     * @param overflowPolicy what to do when the buffer is full
     * @return a copy with that policy
     */
    public ListenerOptions withOverflowPolicy(OverflowPolicy overflowPolicy) {
        return new ListenerOptions(bufferSize, Objects.requireNonNull(overflowPolicy, "overflowPolicy"), name);
    }

    /**
     * @param name a name used in logs (e.g. the listener's bean name)
     * @return a copy with that name
     */
    public ListenerOptions withName(String name) {
        return new ListenerOptions(bufferSize, overflowPolicy, Objects.requireNonNull(name, "name"));
    }

    /** @return the buffer size, or 0 for the client's default */
    public int bufferSize() {
        return bufferSize;
    }

    /** @return the overflow policy, or {@code null} for the client's default */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /** @return the name used in logs, or {@code null} */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "ListenerOptions[bufferSize=" + (bufferSize == 0 ? "default" : bufferSize) + ", overflowPolicy="
                + (overflowPolicy == null ? "default" : overflowPolicy) + ", name=" + name + "]";
    }
}
