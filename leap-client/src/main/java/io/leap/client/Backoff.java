package io.leap.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: how long to wait before the n-th consecutive attempt. Immutable and thread-safe;
 * shared by the socket client's {@link ReconnectPolicy} and the REST client's
 * {@link io.leap.client.rest.RetryPolicy}.
 *
 * <p>The <em>ceiling</em> of attempt {@code n} (1-based) is {@code min(max, initial × multiplier^(n-1))}. The delay
 * is drawn from the top {@code jitter} fraction of it: {@code ceiling × (1 - jitter + jitter × r)} with {@code r}
 * uniform in {@code [0, 1)}. With {@code jitter = 1} ("full jitter", the default) the delay is uniform in
 * {@code [0, ceiling)}, which spreads out many clients failing at once; with {@code jitter = 0} it is exactly the
 * ceiling.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5));   // ×2, full jitter
 * Duration wait = backoff.delay(3);                                                        // in [0, 800 ms)
 * Backoff steady = backoff.withMultiplier(1.5).withJitter(0.2);                            // in [0.8, 1] × ceiling
 * }</pre>
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;

    private Backoff(Duration initial, Duration max, double multiplier, double jitter) {
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
    }

    /**
     * A doubling backoff with full jitter.
     *
     * @param initial the ceiling of the first delay; positive
     * @param max     the cap of every ceiling; at least {@code initial}
     * @return the backoff
     * @throws IllegalArgumentException if a duration is out of range
     */
    public static Backoff exponential(Duration initial, Duration max) {
        return of(initial, max, 2.0, 1.0);
    }

    /**
     * A backoff with every setting given.
     *
     * @param initial    the ceiling of the first delay; positive
     * @param max        the cap of every ceiling; at least {@code initial}
     * @param multiplier the growth of the ceiling per attempt; finite and at least 1.0 (1.0 = constant)
     * @param jitter     the randomised fraction of the ceiling, from 0.0 (none) to 1.0 (full jitter)
     * @return the backoff
     * @throws IllegalArgumentException if a value is out of range
     */
    public static Backoff of(Duration initial, Duration max, double multiplier, double jitter) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be at least initial (" + initial + "), was " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1.0, was " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, was " + jitter);
        }
        return new Backoff(initial, max, multiplier, jitter);
    }

    /**
     * Returns a copy with another multiplier.
     *
     * @param multiplier finite and at least 1.0
     * @return the copy
     */
    public Backoff withMultiplier(double multiplier) {
        return of(initial, max, multiplier, jitter);
    }

    /**
     * Returns a copy with another jitter.
     *
     * @param jitter from 0.0 to 1.0
     * @return the copy
     */
    public Backoff withJitter(double jitter) {
        return of(initial, max, multiplier, jitter);
    }

    /**
     * Returns a copy with another cap.
     *
     * @param max at least {@link #initial()}
     * @return the copy
     */
    public Backoff withMax(Duration max) {
        return of(initial, max, multiplier, jitter);
    }

    /** @return the ceiling of the first delay */
    public Duration initial() {
        return initial;
    }

    /** @return the cap of every ceiling */
    public Duration max() {
        return max;
    }

    /** @return the growth of the ceiling per attempt */
    public double multiplier() {
        return multiplier;
    }

    /** @return the randomised fraction of the ceiling, 0.0 to 1.0 */
    public double jitter() {
        return jitter;
    }

    /**
     * The ceiling of the delay before an attempt, before jitter.
     *
     * @param attempt the consecutive attempt number, starting at 1 (smaller values count as 1)
     * @return {@code min(max, initial × multiplier^(attempt-1))}
     */
    public Duration ceiling(int attempt) {
        double nanos = initial.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long cap = max.toNanos();
        return Duration.ofNanos(nanos >= cap ? cap : (long) nanos);
    }

    /**
     * The delay before an attempt for a given uniform random number.
     *
     * @param attempt the consecutive attempt number, starting at 1
     * @param random  a number in {@code [0, 1)}
     * @return {@code ceiling(attempt) × (1 - jitter + jitter × random)}
     * @throws IllegalArgumentException if {@code random} is outside {@code [0, 1)}
     */
    public Duration delay(int attempt, double random) {
        if (!(random >= 0.0 && random < 1.0)) {
            throw new IllegalArgumentException("random must be in [0, 1), was " + random);
        }
        long ceiling = ceiling(attempt).toNanos();
        return Duration.ofNanos((long) (ceiling * (1.0 - jitter + jitter * random)));
    }

    /**
     * The delay before an attempt, drawn from the given random source (e.g. a seeded one in tests).
     *
     * @param attempt the consecutive attempt number, starting at 1
     * @param random  the source of the jitter
     * @return the delay, between {@code ceiling × (1 - jitter)} and {@code ceiling}
     */
    public Duration delay(int attempt, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        return delay(attempt, random.nextDouble());
    }

    /**
     * The delay before an attempt, drawn from {@link ThreadLocalRandom}.
     *
     * @param attempt the consecutive attempt number, starting at 1
     * @return the delay
     */
    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backoff b
                && initial.equals(b.initial)
                && max.equals(b.max)
                && Double.compare(multiplier, b.multiplier) == 0
                && Double.compare(jitter, b.jitter) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initial, max, multiplier, jitter);
    }

    @Override
    public String toString() {
        return "Backoff[initial=" + initial + ", max=" + max + ", multiplier=" + multiplier + ", jitter=" + jitter
                + "]";
    }
}
