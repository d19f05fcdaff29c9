package io.leap.spring.autoconfigure.health;

import io.leap.client.ChannelStatus;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapClient;
import io.leap.client.internal.Redaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Leap connection: {@code UP} when the client is connected (INIT received), {@code DOWN} otherwise.
 * Details: {@code state}, {@code since} and {@code timeInState}, and when not connected {@code willReconnect},
 * {@code nextAttemptAt} and {@code lastError} (exception type and message, with anything token-like masked). Never
 * opens a socket: it reports what the client already knows.
 */
public class LeapHealthIndicator extends AbstractHealthIndicator {

    private final LeapClient client;

    private final Clock clock;

    private final Predicate<ConnectionStateChange> willReconnect;

    private final Instant created;

    private volatile ConnectionStateChange lastError;

    /**
     * Create an indicator that follows the client's connection state changes.
     * @param client the client
     */
    public LeapHealthIndicator(LeapClient client) {
        this(client, ConnectionStateChange::willReconnect, Clock.systemUTC());
    }

    /**
     * Create an indicator that follows the client's connection state changes.
     * @param client the client
     * @param retryingInitialConnection whether someone (the auto-configured lifecycle) retries a first connection that
     * could not be opened; the client itself only reconnects connections that were once open, so this completes
     * {@code willReconnect}
     */
    public LeapHealthIndicator(LeapClient client, BooleanSupplier retryingInitialConnection) {
        this(client, retryingInitialConnection, Clock.systemUTC());
    }

    /**
     * Create an indicator that reports {@code willReconnect} as the given function decides, for example
     * {@code LeapClientLifecycle::willReconnect}, which the ApplicationEvent bridge also uses so that the
     * {@code LeapConnectionStateChangedEvent} and the health details agree.
     * @param client the client
     * @param willReconnect whether the client (or whoever retries its first connection) will try again after a change
     */
    public LeapHealthIndicator(LeapClient client, Predicate<ConnectionStateChange> willReconnect) {
        this(client, willReconnect, Clock.systemUTC());
    }

    LeapHealthIndicator(LeapClient client, BooleanSupplier retryingInitialConnection, Clock clock) {
        this(client, retryingPredicate(retryingInitialConnection), clock);
    }

    private static Predicate<ConnectionStateChange> retryingPredicate(BooleanSupplier retryingInitialConnection) {
        Objects.requireNonNull(retryingInitialConnection, "retryingInitialConnection");
        return (change) -> change.willReconnect() || retryingInitialConnection.getAsBoolean();
    }

    LeapHealthIndicator(LeapClient client, Predicate<ConnectionStateChange> willReconnect, Clock clock) {
        super("Leap health check failed");
        this.client = Objects.requireNonNull(client, "client");
        this.willReconnect = Objects.requireNonNull(willReconnect, "willReconnect");
        this.clock = clock;
        this.created = clock.instant();
        client.addConnectionStateListener(this::onStateChange);
    }

    void onStateChange(ConnectionStateChange change) {
        if (change.error() != null) {
            this.lastError = change;
        }
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ConnectionState state = this.client.state();
        ConnectionStateChange change = this.client.lastStateChange();
        Instant since = (change != null && change.current() == state) ? change.at() : null;
        if (state == ConnectionState.CONNECTED) {
            builder.up();
        } else {
            builder.down();
        }
        builder.withDetail("state", state.name());
        if (since != null) {
            builder.withDetail("since", since.toString());
            builder.withDetail(
                    "timeInState", Duration.between(since, this.clock.instant()).toString());
        } else if (change == null) {
            builder.withDetail(
                    "timeInState",
                    Duration.between(this.created, this.clock.instant()).toString());
        }
        Map<String, ChannelStatus> statuses = this.client.channelStatuses();
        if (!statuses.isEmpty()) {
            builder.withDetail("channels", describe(statuses));
        }
        if (state != ConnectionState.CONNECTED) {
            if (change != null) {
                builder.withDetail("willReconnect", this.willReconnect.test(change));
                if (change.nextAttemptAt() != null) {
                    builder.withDetail("nextAttemptAt", change.nextAttemptAt().toString());
                }
            }
            ConnectionStateChange error = this.lastError;
            if (error != null) {
                builder.withDetail("lastError", describe(error.error()));
                builder.withDetail("lastErrorAt", error.at().toString());
            }
        }
    }

    /**
     * The channels the application asked for, holds or was refused, sorted by id: each with its {@code state}
     * ({@code PENDING}, {@code SUBSCRIBED} or {@code REFUSED}) and, when refused, the server's {@code errorCode}.
     * @param statuses the client's channel statuses
     * @return the detail value
     */
    static Map<String, Map<String, String>> describe(Map<String, ChannelStatus> statuses) {
        Map<String, Map<String, String>> channels = new TreeMap<>();
        statuses.forEach((id, status) -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("state", status.state().name());
            if (status.errorCode() != null) {
                entry.put("errorCode", status.errorCode());
            }
            channels.put(id, entry);
        });
        return channels;
    }

    /**
     * Describe an error for display: its type and message, with anything that looks like a token masked.
     * @param error the error
     * @return the description
     */
    static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
        return Redaction.redactText(text);
    }
}
