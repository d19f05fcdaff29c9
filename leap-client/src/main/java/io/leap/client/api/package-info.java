/**
 * Client for the Hop Channels REST API: {@link io.leap.client.api.LeapApi}.
 *
 * <p>The REST API is what servers use to manage channels, their state, their subscribers and Leap tokens, and to
 * publish messages. Realtime delivery to browsers and other subscribers happens over the Leap Edge socket
 * ({@code io.leap.client.LeapClient}); each REST call that changes something pushes the matching socket event.
 *
 * <p>Entry point: {@link io.leap.client.api.LeapApi#builder(String)}. Results are immutable records
 * ({@link io.leap.client.api.LeapChannel}, {@link io.leap.client.api.LeapToken},
 * {@link io.leap.client.api.ChannelStats}, {@link io.leap.client.api.ChannelPage}); JSON state is carried by
 * {@link io.leap.client.api.LeapState}. Failures are {@link io.leap.client.api.LeapApiException}s.
 */
package io.leap.client.api;
