/**
 * An optional, faster {@link io.leap.client.transport.WebSocketTransport} for {@code leap-client} on Netty:
 * {@link io.leap.transport.netty.NettyWebSocketTransport}.
 */
package io.leap.transport.netty;
