package io.leap.client.rest;

/**
 * Live statistics of a channel (REST spec §5.4).
 *
 * @param onlineCount the number of live socket connections subscribed to the channel
 */
public record ChannelStats(long onlineCount) {}
