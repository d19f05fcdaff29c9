package io.leap.client.rest;

import java.util.List;
import java.util.Objects;

/**
 * One page of the channel list (REST spec §7).
 *
 * @param page       the 1-based page number that was requested
 * @param channels   the channels of this page, unmodifiable; empty past the end
 * @param totalCount the total number of channels in the project as reported by the server, or {@code -1} if the
 *                   response did not say
 */
public record ChannelPage(int page, List<LeapChannel> channels, long totalCount) {

    /**
     * Copies the channel list.
     *
     * @param page see the record component
     * @param channels see the record component
     * @param totalCount see the record component
     * @throws NullPointerException if {@code channels} is {@code null}
     */
    public ChannelPage {
        channels = List.copyOf(Objects.requireNonNull(channels, "channels"));
    }

    /**
     * Tells whether this page holds no channel.
     *
     * @return {@code true} when empty
     */
    public boolean isEmpty() {
        return channels.isEmpty();
    }
}
