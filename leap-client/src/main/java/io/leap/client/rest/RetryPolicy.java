package io.leap.client.rest;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long {@link LeapApi} waits before retrying a failed call. Immutable.
 *
 * <p>What is retried:
 * <ul>
 *   <li>idempotent calls ({@code GET}, {@code PUT}, {@code DELETE}) on HTTP 429, 502, 503 and 504 and on
 *       connection errors (connection refused or reset, connect timeout);</li>
 *   <li>non-idempotent calls ({@code POST}, {@code PATCH}) only when the connection could not be established, i.e.
 *       when the request cannot have reached the server; never after a response;</li>
 *   <li>nothing else: no retry on other statuses, nor when a request timed out waiting for its response.</li>
 * </ul>
 *
 * <p>The delay before retry {@code n} (1-based) is drawn uniformly from {@code [0, min(maxBackoff,
 * initialBackoff * 2^(n-1))]} ("full jitter"). When the response carries {@code Retry-After}, that delay is used
 * instead if it is at most {@link #maxRetryAfter()}; a longer {@code Retry-After} ends the retries and the call
 * fails with {@link LeapApiException#retryAfter()} set.
 *
 * @see LeapApi.Builder#retryPolicy(RetryPolicy)
 */
public final class RetryPolicy {

    private static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    private static final RetryPolicy DEFAULT =
            new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));

    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;

    private RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
    }

    /**
     * The default policy: up to 3 retries, backoff from 200 ms up to 5 s, {@code Retry-After} honoured up to 30 s.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /**
     * A policy that never retries.
     *
     * @return the no-retry policy
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * An exponential backoff policy with full jitter; {@code Retry-After} honoured up to 30 s.
     *
     * @param maxRetries     how many retries at most after the first attempt (0 = never retry)
     * @param initialBackoff the upper bound of the first delay; positive
     * @param maxBackoff     the cap of the delay's upper bound; at least {@code initialBackoff}
     * @return the policy
     * @throws IllegalArgumentException on a negative count or an invalid duration
     */
    public static RetryPolicy exponential(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
        }
        return new RetryPolicy(maxRetries, initialBackoff, maxBackoff, DEFAULT.maxRetryAfter);
    }

    /**
     * Returns a copy with another bound on {@code Retry-After}.
     *
     * @param maxRetryAfter the longest {@code Retry-After} that is waited for; zero or more
     * @return the copy
     */
    public RetryPolicy withMaxRetryAfter(Duration maxRetryAfter) {
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must not be negative");
        }
        return new RetryPolicy(maxRetries, initialBackoff, maxBackoff, maxRetryAfter);
    }

    /**
     * Returns the maximum number of retries after the first attempt.
     *
     * @return 0 or more
     */
    public int maxRetries() {
        return maxRetries;
    }

    /**
     * Returns the upper bound of the first delay.
     *
     * @return the initial backoff
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * Returns the cap of the delay's upper bound.
     *
     * @return the max backoff
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * Returns the longest {@code Retry-After} that is honoured.
     *
     * @return the bound
     */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /**
     * Computes the delay before a retry.
     *
     * @param retry      the 1-based retry number
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     * @return the delay, or {@code null} if the call must not be retried (retries used up, or a
     *         {@code Retry-After} above {@link #maxRetryAfter()})
     */
    Duration delayBeforeRetry(int retry, Duration retryAfter) {
        if (retry > maxRetries) {
            return null;
        }
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) <= 0 ? retryAfter : null;
        }
        long initial = initialBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        long bound = initial;
        for (int i = 1; i < retry && bound < cap; i++) {
            bound = bound > cap / 2 ? cap : bound * 2;
        }
        bound = Math.min(bound, cap);
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound + 1));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", maxRetryAfter=" + maxRetryAfter + "]";
    }
}
