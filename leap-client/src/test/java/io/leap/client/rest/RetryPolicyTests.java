package io.leap.client.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leap.client.Backoff;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    @Test
    void delaysGrowExponentiallyWithFullJitterUpToTheCap() {
        RetryPolicy p = RetryPolicy.exponential(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        for (int i = 0; i < 200; i++) {
            assertThat(p.delayBeforeRetry(1, null)).isBetween(Duration.ZERO, Duration.ofMillis(100));
            assertThat(p.delayBeforeRetry(2, null)).isBetween(Duration.ZERO, Duration.ofMillis(200));
            assertThat(p.delayBeforeRetry(3, null)).isBetween(Duration.ZERO, Duration.ofMillis(400));
            assertThat(p.delayBeforeRetry(10, null)).isBetween(Duration.ZERO, Duration.ofMillis(1000));
        }
        assertThat(p.delayBeforeRetry(11, null)).isNull();
    }

    @Test
    void jitterSpreadsDelays() {
        RetryPolicy p = RetryPolicy.exponential(3, Duration.ofSeconds(1), Duration.ofSeconds(1));
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> p.delayBeforeRetry(1, null))
                .distinct()
                .count();
        assertThat(distinct).isGreaterThan(1);
    }

    @Test
    void usesItsBackoffWithTheGivenRandomSource() {
        long seed = System.nanoTime();
        System.out.println("RetryPolicyTests seed=" + seed);
        Backoff backoff = Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 3.0, 0.5);
        RetryPolicy p = RetryPolicy.of(4, backoff);
        assertThat(p.backoff()).contains(backoff);
        assertThat(RetryPolicy.none().backoff()).isEmpty();
        assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(1));
        SplittableRandom a = new SplittableRandom(seed);
        SplittableRandom b = new SplittableRandom(seed);
        for (int retry = 1; retry <= 4; retry++) {
            Duration d = p.delayBeforeRetry(retry, null, a);
            assertThat(d).isEqualTo(backoff.delay(retry, b.nextDouble()));
            assertThat(d).isBetween(backoff.ceiling(retry).dividedBy(2), backoff.ceiling(retry));
        }
        assertThat(p.delayBeforeRetry(5, null, a)).isNull();
        assertThat(RetryPolicy.exponential(2, Duration.ofMillis(5), Duration.ofMillis(9))
                        .backoff())
                .contains(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(9)));
        assertThatThrownBy(() -> RetryPolicy.of(-1, backoff)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterIsUsedUpToItsBound() {
        RetryPolicy p = RetryPolicy.defaults().withMaxRetryAfter(Duration.ofSeconds(10));
        assertThat(p.delayBeforeRetry(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.delayBeforeRetry(1, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayBeforeRetry(1, Duration.ofSeconds(11))).isNull();
        assertThat(p.delayBeforeRetry(4, Duration.ofSeconds(1))).isNull();
    }

    @Test
    void noneNeverRetries() {
        assertThat(RetryPolicy.none().delayBeforeRetry(1, null)).isNull();
        assertThat(RetryPolicy.none().delayBeforeRetry(1, Duration.ZERO)).isNull();
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThatThrownBy(() -> RetryPolicy.exponential(-1, Duration.ofMillis(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.exponential(1, Duration.ZERO, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.exponential(1, Duration.ofMillis(2), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.defaults().withMaxRetryAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterParsesSecondsAndHttpDates() {
        assertThat(HttpCaller.parseRetryAfter("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(HttpCaller.parseRetryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(HttpCaller.parseRetryAfter("99999999999999999999")).isGreaterThan(Duration.ofDays(365));
        assertThat(HttpCaller.parseRetryAfter("soon")).isNull();
        assertThat(HttpCaller.parseRetryAfter("-3")).isNull();
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
        assertThat(HttpCaller.parseRetryAfter(past)).isEqualTo(Duration.ZERO);
        String future = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
        assertThat(HttpCaller.parseRetryAfter(future)).isBetween(Duration.ofMinutes(58), Duration.ofMinutes(61));
    }
}
