/**
 * The WebSocket transport SPI ({@link io.leap.client.transport.WebSocketTransport}) and its default JDK
 * implementation.
 */
package io.leap.client.transport;
