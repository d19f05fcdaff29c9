package io.leap.server;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * When the copies of one burst published by {@link LeapServer#publishBurst(String, String, Object, int)} reached each
 * subscriber's socket. A copy counts as written once its whole WebSocket frame has been handed to the operating
 * system's socket (Netty's write completed), which is the latest point the server can observe.
 *
 * @param channelId   the channel the burst was published to
 * @param event       the user event name of every copy ({@code MESSAGE {e: event, d: data}})
 * @param count       how many copies were published
 * @param publishedAt when the copies were queued for the subscribers (all of them at once, in one block that no other
 *                    event on the channel interleaves with)
 * @param complete    whether every recipient has had every copy written or has closed; reports completed by
 *                    {@link LeapServer#publishBurst} are always complete, the admin HTTP route may answer with an
 *                    incomplete one when its timeout passes first (for example while writes are paused)
 * @param deliveries  one entry per connection the copies were queued for, in fan-out order; connections that were
 *                    already closing when the burst was published are not listed
 */
public record BurstReport(
        String channelId, String event, int count, Instant publishedAt, boolean complete, List<Delivery> deliveries) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if a component is missing
     */
    public BurstReport {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(publishedAt, "publishedAt");
        deliveries = List.copyOf(deliveries);
    }

    /**
     * The burst as seen by one subscriber connection.
     *
     * @param connectionId   the connection ({@code conn_…})
     * @param queued         how many copies were queued for it (the burst's count)
     * @param written        how many were written to its socket, in order; less than {@code queued} only when it
     *                       closed first or the report is incomplete
     * @param firstWrittenAt when the first copy was written; {@code null} when none was
     * @param lastWrittenAt  when the last written copy was written; {@code null} when none was
     * @param closed         whether the connection closed before every copy was written
     */
    public record Delivery(
            String connectionId,
            int queued,
            int written,
            Instant firstWrittenAt,
            Instant lastWrittenAt,
            boolean closed) {

        /**
         * Checks the components.
         *
         * @throws NullPointerException if the ID is missing
         */
        public Delivery {
            Objects.requireNonNull(connectionId, "connectionId");
        }

        /** Whether every queued copy was written to the socket. */
        public boolean allWritten() {
            return written == queued;
        }
    }
}
