package io.leap.benchmarks.load;

import java.net.URI;

/**
 * One way of consuming Leap that the load harness measures. An implementation connects to the bench server,
 * identifies anonymously, and reports every MESSAGE dispatch it receives to the {@link Recorder}.
 */
interface ClientPath extends AutoCloseable {

    /** @return the row label in the report */
    String name();

    /**
     * Connects and identifies; returns once the connection is open (the harness waits for the server to see the
     * identified connection).
     * @param url the WebSocket URL, including {@code encoding} and {@code compression}
     * @param projectId the project to identify with
     * @param recorder where received messages go
     * @throws Exception if the connection fails
     */
    void open(URI url, String projectId, Recorder recorder) throws Exception;

    /** @return {@code true} if the path is measured in blast mode only (it does not read the send time) */
    default boolean blastOnly() {
        return false;
    }

    /** Closes the connection and releases what {@link #open} created. */
    @Override
    void close() throws Exception;
}
