package io.leap.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to reconnect after a lost connection: exponential backoff with full jitter.
 *
 * <p>The delay before the n-th consecutive attempt (n starting at 1) is a uniformly random duration between zero and
 * {@code min(max, min × multiplier^(n-1))} ("full jitter"), so many clients cut at once spread out instead of
 * stampeding; any other {@link Backoff} can be given with {@link #of(Backoff)}.
 * The attempt counter is reset only after a connection stayed {@link ConnectionState#CONNECTED} for
 * {@link #stableAfter()}, so a server that accepts and then drops connections does not defeat the backoff.
 *
 * <p>The default is {@code exponential(1 s, 30 s, 2.0)} with {@code stableAfter(30 s)}, unlimited attempts. A
 * 4006 redirect is followed at once, without delay. Close code 4001 never reconnects.
 */
public final class ReconnectPolicy {

    private static final ReconnectPolicy NONE = new ReconnectPolicy(null, Duration.ZERO, 0);

    /** {@code null} for {@link #none()}. */
    private final Backoff backoff;

    private final Duration stableAfter;
    private final int maxAttempts;

    private ReconnectPolicy(Backoff backoff, Duration stableAfter, int maxAttempts) {
        this.backoff = backoff;
        this.stableAfter = stableAfter;
        this.maxAttempts = maxAttempts;
    }

    /** @return the default policy: {@code exponential(1 s, 30 s, 2.0).stableAfter(30 s)} */
    public static ReconnectPolicy defaults() {
        return exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0);
    }

    /** @return a policy that never reconnects: the first lost connection leaves the client {@code ERRORED} */
    public static ReconnectPolicy none() {
        return NONE;
    }

    /**
     * @param min        upper bound of the first delay (positive)
     * @param max        cap of every delay (at least {@code min})
     * @param multiplier growth factor per attempt (at least 1.0)
     * @return an exponential policy with full jitter, {@code stableAfter(30 s)} and unlimited attempts; the same as
     *         {@code of(Backoff.of(min, max, multiplier, 1.0))}
     */
    public static ReconnectPolicy exponential(Duration min, Duration max, double multiplier) {
        return of(Backoff.of(min, max, multiplier, 1.0));
    }

    /**
     * @param backoff the delays between consecutive attempts
     * @return a policy with that backoff, {@code stableAfter(30 s)} and unlimited attempts
     */
    public static ReconnectPolicy of(Backoff backoff) {
        return new ReconnectPolicy(Objects.requireNonNull(backoff, "backoff"), Duration.ofSeconds(30), 0);
    }

    /**
     * @param stableAfter how long a connection must stay connected before the backoff resets (zero = reset on INIT)
     * @return a copy with that value
     */
    public ReconnectPolicy stableAfter(Duration stableAfter) {
        Objects.requireNonNull(stableAfter, "stableAfter");
        if (stableAfter.isNegative()) {
            throw new IllegalArgumentException("stableAfter must not be negative");
        }
        requireEnabled();
        return new ReconnectPolicy(backoff, stableAfter, maxAttempts);
    }

    /**
     * @param maxAttempts consecutive failed attempts after which the client gives up (0 = unlimited)
     * @return a copy with that limit
     */
    public ReconnectPolicy maxAttempts(int maxAttempts) {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative");
        }
        requireEnabled();
        return new ReconnectPolicy(backoff, stableAfter, maxAttempts);
    }

    private void requireEnabled() {
        if (backoff == null) {
            throw new IllegalStateException("ReconnectPolicy.none() cannot be configured");
        }
    }

    /** @return {@code false} for {@link #none()} */
    public boolean isEnabled() {
        return backoff != null;
    }

    /** @return the backoff between consecutive attempts; empty for {@link #none()} */
    public Optional<Backoff> backoff() {
        return Optional.ofNullable(backoff);
    }

    /** @return the upper bound of the first delay ({@link Duration#ZERO} for {@link #none()}) */
    public Duration min() {
        return backoff == null ? Duration.ZERO : backoff.initial();
    }

    /** @return the cap of every delay ({@link Duration#ZERO} for {@link #none()}) */
    public Duration max() {
        return backoff == null ? Duration.ZERO : backoff.max();
    }

    /** @return the growth factor per attempt (1.0 for {@link #none()}) */
    public double multiplier() {
        return backoff == null ? 1.0 : backoff.multiplier();
    }

    /** @return how long a connection must stay up before the backoff resets */
    public Duration stableAfter() {
        return stableAfter;
    }

    /** @return the maximum number of consecutive attempts, 0 = unlimited */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The upper bound of the delay before the given attempt, before jitter.
     *
     * @param attempt consecutive attempt number, starting at 1
     * @return {@code min(max, min × multiplier^(attempt-1))}; zero for {@link #none()}
     * @see Backoff#ceiling(int)
     */
    public Duration ceiling(int attempt) {
        return backoff == null ? Duration.ZERO : backoff.ceiling(attempt);
    }

    /**
     * The delay before the given attempt.
     *
     * @param attempt consecutive attempt number, starting at 1
     * @param random  a uniform random number in {@code [0, 1)}
     * @return {@code random × ceiling(attempt)} with full jitter; see {@link Backoff#delay(int, double)}
     */
    public Duration delay(int attempt, double random) {
        if (backoff == null) {
            if (!(random >= 0.0 && random < 1.0)) {
                throw new IllegalArgumentException("random must be in [0, 1), was " + random);
            }
            return Duration.ZERO;
        }
        return backoff.delay(attempt, random);
    }

    /**
     * The delay before the given attempt, drawn from the given random source (e.g. a seeded one in tests).
     *
     * @param attempt consecutive attempt number, starting at 1
     * @param random  the source of the jitter
     * @return the delay; zero for {@link #none()}
     */
    public Duration delay(int attempt, RandomGenerator random) {
        return delay(attempt, Objects.requireNonNull(random, "random").nextDouble());
    }

    @Override
    public String toString() {
        return backoff != null
                ? "ReconnectPolicy[" + backoff + ", stableAfter=" + stableAfter + ", maxAttempts="
                        + (maxAttempts == 0 ? "unlimited" : maxAttempts) + "]"
                : "ReconnectPolicy[none]";
    }
}
