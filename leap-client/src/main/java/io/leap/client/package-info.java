/**
 * The Leap Edge socket client: {@link io.leap.client.LeapClient}, its builder, listeners, events and exceptions.
 */
package io.leap.client;
