/**
 * Client for the Hop Channels REST API: {@link io.leap.client.rest.LeapApi}.
 *
 * <p>The REST API is what servers use to manage channels, their state, their subscribers and Leap tokens, and to
 * publish messages. Realtime delivery to browsers and other subscribers happens over the Leap Edge socket
 * ({@code io.leap.client.LeapClient}); each REST call that changes something pushes the matching socket event.
 *
 * <p>Entry point: {@link io.leap.client.rest.LeapApi#builder(String)}. Results are immutable records
 * ({@link io.leap.client.rest.LeapChannel}, {@link io.leap.client.rest.LeapToken},
 * {@link io.leap.client.rest.ChannelStats}, {@link io.leap.client.rest.ChannelPage}); JSON state is carried by
 * {@link io.leap.client.rest.LeapState}. Failures are {@link io.leap.client.rest.LeapApiException}s.
 */
package io.leap.client.rest;
