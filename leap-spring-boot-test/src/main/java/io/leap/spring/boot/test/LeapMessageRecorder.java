package io.leap.spring.boot.test;

import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records every message a {@link LeapClient} receives, so a test can wait for one. {@link EmbeddedLeap} registers one
 * for the application's client (bean name {@code leapMessageRecorder}); without Spring, call {@link #record}.
 *
 * <p>Messages are kept in arrival order until {@link #clear()}; the {@code await} methods return the first recorded
 * message that matches, waiting for it to arrive if none has yet. Thread-safe.
 */
public final class LeapMessageRecorder implements AutoCloseable {

    private final List<LeapMessage> messages = new ArrayList<>();

    private final AutoCloseable registration;

    private LeapMessageRecorder(LeapClient client) {
        this.registration = client.addMessageListener(this::onMessage);
    }

    /**
     * Starts recording the messages of a client, from now on.
     *
     * @param client the client
     * @return the recorder; {@link #close()} it to stop recording
     */
    public static LeapMessageRecorder record(LeapClient client) {
        return new LeapMessageRecorder(Objects.requireNonNull(client, "client"));
    }

    private void onMessage(LeapMessage message) {
        synchronized (messages) {
            messages.add(message);
            messages.notifyAll();
        }
    }

    /**
     * Waits for a message of this event on this channel.
     *
     * @param channelId the channel id ({@code null} for a direct message)
     * @param event     the event name
     * @param timeout   how long to wait
     * @return the first such message recorded
     * @throws AssertionError if none arrived within the timeout; the message lists what did arrive
     */
    public LeapMessage await(String channelId, String event, Duration timeout) {
        Objects.requireNonNull(event, "event");
        return await(
                m -> Objects.equals(m.channelId(), channelId) && event.equals(m.event()),
                "event '" + event + "' on channel " + (channelId == null ? "(direct)" : "'" + channelId + "'"),
                timeout);
    }

    /**
     * Waits for a message of this event on this channel and converts its data.
     *
     * @param channelId the channel id ({@code null} for a direct message)
     * @param event     the event name
     * @param type      the type to convert the data to, e.g. a record
     * @param timeout   how long to wait
     * @param <T>       the type
     * @return the data of the first such message recorded
     * @throws AssertionError if none arrived within the timeout
     */
    public <T> T await(String channelId, String event, Class<T> type, Duration timeout) {
        return await(channelId, event, timeout).data(type);
    }

    /**
     * Waits for a message that matches a condition.
     *
     * @param condition   what the message must satisfy
     * @param description what the condition asks for, for the error message
     * @param timeout     how long to wait
     * @return the first matching message recorded
     * @throws AssertionError if none arrived within the timeout
     */
    public LeapMessage await(Predicate<? super LeapMessage> condition, String description, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (true) {
                for (LeapMessage message : messages) {
                    if (condition.test(message)) {
                        return message;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "No message with " + description + " within " + timeout + "; received " + summary());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(messages, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted while waiting for a message with " + description, e);
                }
            }
        }
    }

    /**
     * Returns the messages recorded so far, in arrival order.
     *
     * @return a copy of the recorded messages
     */
    public List<LeapMessage> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Forgets the messages recorded so far; recording goes on. */
    public void clear() {
        synchronized (messages) {
            messages.clear();
        }
    }

    /** Stops recording. */
    @Override
    public void close() {
        try {
            registration.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not remove the recording listener", e);
        }
    }

    private String summary() {
        if (messages.isEmpty()) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder().append(messages.size()).append(" message(s):");
        int shown = Math.min(messages.size(), 20);
        for (int i = 0; i < shown; i++) {
            LeapMessage m = messages.get(i);
            out.append(" [").append(m.channelId()).append(' ').append(m.event()).append(']');
        }
        if (shown < messages.size()) {
            out.append(" ...");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        synchronized (messages) {
            return "LeapMessageRecorder[" + messages.size() + " recorded]";
        }
    }
}
