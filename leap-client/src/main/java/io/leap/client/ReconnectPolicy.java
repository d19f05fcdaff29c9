package io.leap.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When to reconnect after a lost connection: exponential backoff with full jitter.
 *
 * <p>The delay before the n-th consecutive attempt (n starting at 1) is a uniformly random duration between zero and
 * {@code min(max, min × multiplier^(n-1))} ("full jitter"), so many clients cut at once spread out instead of stampeding.
 * The attempt counter is reset only after a connection stayed {@link ConnectionState#CONNECTED} for
 * {@link #stableAfter()}, so a server that accepts and then drops connections does not defeat the backoff.
 *
 * <p>The default is {@code exponential(1 s, 30 s, 2.0)} with {@code stableAfter(30 s)}, unlimited attempts. A
 * 4006 redirect is followed at once, without delay. Close code 4001 never reconnects.
 */
public final class ReconnectPolicy {

    private static final ReconnectPolicy NONE = new ReconnectPolicy(false, Duration.ZERO, Duration.ZERO, 1.0,
            Duration.ZERO, 0);

    private final boolean enabled;
    private final Duration min;
    private final Duration max;
    private final double multiplier;
    private final Duration stableAfter;
    private final int maxAttempts;

    private ReconnectPolicy(boolean enabled, Duration min, Duration max, double multiplier, Duration stableAfter,
                            int maxAttempts) {
        this.enabled = enabled;
        this.min = min;
        this.max = max;
        this.multiplier = multiplier;
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
     * @return an exponential policy with full jitter, {@code stableAfter(30 s)} and unlimited attempts
     */
    public static ReconnectPolicy exponential(Duration min, Duration max, double multiplier) {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || min.isZero()) {
            throw new IllegalArgumentException("min must be positive");
        }
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max must be at least min");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1.0");
        }
        return new ReconnectPolicy(true, min, max, multiplier, Duration.ofSeconds(30), 0);
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
        return new ReconnectPolicy(true, min, max, multiplier, stableAfter, maxAttempts);
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
        return new ReconnectPolicy(true, min, max, multiplier, stableAfter, maxAttempts);
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new IllegalStateException("ReconnectPolicy.none() cannot be configured");
        }
    }

    /** @return {@code false} for {@link #none()} */
    public boolean isEnabled() {
        return enabled;
    }

    /** @return the upper bound of the first delay */
    public Duration min() {
        return min;
    }

    /** @return the cap of every delay */
    public Duration max() {
        return max;
    }

    /** @return the growth factor per attempt */
    public double multiplier() {
        return multiplier;
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
     * @return {@code min(max, min × multiplier^(attempt-1))}
     */
    public Duration ceiling(int attempt) {
        if (!enabled) {
            return Duration.ZERO;
        }
        double nanos = min.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long capped = nanos >= max.toNanos() ? max.toNanos() : (long) nanos;
        return Duration.ofNanos(capped);
    }

    /**
     * The delay before the given attempt with full jitter.
     *
     * @param attempt consecutive attempt number, starting at 1
     * @param random  a uniform random number in {@code [0, 1)}
     * @return {@code random × ceiling(attempt)}
     */
    public Duration delay(int attempt, double random) {
        if (random < 0 || random >= 1) {
            throw new IllegalArgumentException("random must be in [0, 1)");
        }
        return Duration.ofNanos((long) (ceiling(attempt).toNanos() * random));
    }

    @Override
    public String toString() {
        return enabled
                ? "ReconnectPolicy[exponential min=" + min + ", max=" + max + ", multiplier=" + multiplier
                        + ", stableAfter=" + stableAfter + ", maxAttempts=" + (maxAttempts == 0 ? "unlimited" : maxAttempts) + "]"
                : "ReconnectPolicy[none]";
    }
}
