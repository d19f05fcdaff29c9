package io.leap.client.rest;

import io.leap.client.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

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
 * <p>The delay before retry {@code n} (1-based) is {@code backoff.delay(n)} (see {@link Backoff}); by default drawn
 * uniformly from {@code [0, min(maxBackoff, initialBackoff * 2^(n-1)))} ("full jitter"). When the response carries
 * {@code Retry-After}, that delay is used instead if it is at most {@link #maxRetryAfter()}; a longer {@code Retry-After} ends the retries and the call
 * fails with {@link LeapApiException#retryAfter()} set.
 *
 * @see LeapApi.Builder#retryPolicy(RetryPolicy)
 */
public final class RetryPolicy {

    private static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);
    private static final RetryPolicy NONE = new RetryPolicy(0, null, Duration.ZERO);
    private static final RetryPolicy DEFAULT = new RetryPolicy(
            3, Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5)), DEFAULT_MAX_RETRY_AFTER);

    private final int maxRetries;
    /** {@code null} for {@link #none()}. */
    private final Backoff backoff;

    private final Duration maxRetryAfter;

    private RetryPolicy(int maxRetries, Backoff backoff, Duration maxRetryAfter) {
        this.maxRetries = maxRetries;
        this.backoff = backoff;
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
     * An exponential backoff policy with full jitter; {@code Retry-After} honoured up to 30 s. The same as
     * {@code of(maxRetries, Backoff.exponential(initialBackoff, maxBackoff))}.
     *
     * @param maxRetries     how many retries at most after the first attempt (0 = never retry)
     * @param initialBackoff the upper bound of the first delay; positive
     * @param maxBackoff     the cap of the delay's upper bound; at least {@code initialBackoff}
     * @return the policy
     * @throws IllegalArgumentException on a negative count or an invalid duration
     */
    public static RetryPolicy exponential(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        return of(maxRetries, Backoff.exponential(initialBackoff, maxBackoff));
    }

    /**
     * A policy with the given backoff between retries; {@code Retry-After} honoured up to 30 s.
     *
     * @param maxRetries how many retries at most after the first attempt (0 = never retry)
     * @param backoff    the delay before retry {@code n} is {@code backoff.delay(n)}
     * @return the policy
     * @throws IllegalArgumentException on a negative count
     */
    public static RetryPolicy of(int maxRetries, Backoff backoff) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
        return new RetryPolicy(maxRetries, Objects.requireNonNull(backoff, "backoff"), DEFAULT_MAX_RETRY_AFTER);
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
        return new RetryPolicy(maxRetries, backoff, maxRetryAfter);
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
     * Returns the backoff between retries.
     *
     * @return the backoff; empty for {@link #none()}
     */
    public Optional<Backoff> backoff() {
        return Optional.ofNullable(backoff);
    }

    /**
     * Returns the upper bound of the first delay.
     *
     * @return the initial backoff
     */
    public Duration initialBackoff() {
        return backoff == null ? Duration.ZERO : backoff.initial();
    }

    /**
     * Returns the cap of the delay's upper bound.
     *
     * @return the max backoff
     */
    public Duration maxBackoff() {
        return backoff == null ? Duration.ZERO : backoff.max();
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
        return delayBeforeRetry(retry, retryAfter, ThreadLocalRandom.current());
    }

    Duration delayBeforeRetry(int retry, Duration retryAfter, RandomGenerator random) {
        if (retry > maxRetries || backoff == null) {
            return null;
        }
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) <= 0 ? retryAfter : null;
        }
        return backoff.delay(retry, random);
    }

    @Override
    public String toString() {
        return backoff == null
                ? "RetryPolicy[none]"
                : "RetryPolicy[maxRetries=" + maxRetries + ", " + backoff + ", maxRetryAfter=" + maxRetryAfter + "]";
    }
}
