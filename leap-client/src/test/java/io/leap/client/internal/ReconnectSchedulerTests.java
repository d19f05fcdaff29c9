package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ReconnectScheduler}: backoff sequences, stable reset, attempt limit, 4006 redirect and its fallback. */
class ReconnectSchedulerTests {

    private static final URI HOME = URI.create("ws://home:1/ws");
    private static final URI ELSEWHERE = URI.create("ws://elsewhere:2/ws");
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2)
            .stableAfter(Duration.ofSeconds(30));

    private ReconnectScheduler scheduler(ReconnectPolicy p, Set<String> allowed) {
        // random 0.5 always: every delay is half its ceiling
        return new ReconnectScheduler(1, p, HOME, allowed, () -> 0.5);
    }

    @Test
    void backoffDoublesUpToTheCeilingWithJitter() {
        ReconnectScheduler s = scheduler(policy, null);
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ReconnectScheduler.Plan plan = s.onLost(HOME, false, true, null, i * SECOND);
            assertThat(plan.reconnect()).isTrue();
            assertThat(plan.attempt()).isEqualTo(i + 1);
            delays.add(plan.delay());
        }
        assertThat(delays)
                .containsExactly(
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(200),
                        Duration.ofMillis(400),
                        Duration.ofMillis(800),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1));
        assertThat(s.nextUri()).isEqualTo(HOME);
    }

    @Test
    void attemptsStartOverAfterAStableConnectionButNotAfterAShortOne() {
        ReconnectScheduler s = scheduler(policy, null);
        s.onLost(HOME, false, true, null, 0);
        s.onLost(HOME, false, true, null, 0);
        s.onConnected(SECOND);
        assertThat(s.onLost(HOME, true, true, null, 2 * SECOND).attempt())
                .as("short-lived")
                .isEqualTo(3);
        s.onConnected(3 * SECOND);
        ReconnectScheduler.Plan plan = s.onLost(HOME, true, true, null, 40 * SECOND);
        assertThat(plan.attempt()).as("stable for 37 s").isEqualTo(1);
        assertThat(plan.delay()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void maxAttemptsStopsAndNoReconnectWhenRuledOutOrDisabled() {
        ReconnectScheduler s = scheduler(policy.maxAttempts(2), null);
        assertThat(s.onLost(HOME, false, true, null, 0).reconnect()).isTrue();
        assertThat(s.onLost(HOME, false, true, null, 0).reconnect()).isTrue();
        assertThat(s.onLost(HOME, false, true, null, 0).reconnect()).isFalse();
        assertThat(scheduler(policy, null).onLost(HOME, true, false, null, 0)).isEqualTo(ReconnectScheduler.Plan.STOP);
        assertThat(scheduler(ReconnectPolicy.none(), null)
                        .onLost(HOME, true, true, null, 0)
                        .reconnect())
                .isFalse();
    }

    @Test
    void redirectIsFollowedAtOnceAndAbandonedAfterThreeFailures() {
        ReconnectScheduler s = scheduler(policy, null);
        ReconnectScheduler.Plan plan = s.onLost(HOME, true, true, ELSEWHERE, 0);
        assertThat(plan.reconnect()).isTrue();
        assertThat(plan.delay()).isZero();
        assertThat(s.nextUri()).isEqualTo(ELSEWHERE);
        // the target refuses: two failures keep it, the third falls back to the configured URL
        s.onLost(ELSEWHERE, false, true, null, 0);
        assertThat(s.nextUri()).isEqualTo(ELSEWHERE);
        s.onLost(ELSEWHERE, false, true, null, 0);
        assertThat(s.nextUri()).isEqualTo(ELSEWHERE);
        ReconnectScheduler.Plan fallback = s.onLost(ELSEWHERE, false, true, null, 0);
        assertThat(s.nextUri()).isEqualTo(HOME);
        assertThat(fallback.reconnect()).isTrue();
        assertThat(fallback.delay()).as("backoff applies to the fallback").isPositive();
    }

    @Test
    void aSuccessfulConnectionAtTheTargetResetsItsFailureCount() {
        ReconnectScheduler s = scheduler(policy, null);
        s.onLost(HOME, true, true, ELSEWHERE, 0);
        s.onLost(ELSEWHERE, false, true, null, 0);
        s.onLost(ELSEWHERE, false, true, null, 0);
        s.onConnected(SECOND);
        s.onLost(ELSEWHERE, true, true, null, 2 * SECOND);
        s.onLost(ELSEWHERE, false, true, null, 2 * SECOND);
        assertThat(s.nextUri()).isEqualTo(ELSEWHERE);
    }

    @Test
    void redirectValidation() {
        ReconnectScheduler any = scheduler(policy, null);
        assertThat(any.validateRedirect(" wss://edge-2.example/ws ")).isEqualTo(URI.create("wss://edge-2.example/ws"));
        assertThat(any.validateRedirect("http://edge-2.example/ws")).isNull();
        assertThat(any.validateRedirect("/relative")).isNull();
        assertThat(any.validateRedirect("not a url leap_token_secret")).isNull();
        ReconnectScheduler allowList = scheduler(policy, Set.of("Edge-2.example"));
        assertThat(allowList.validateRedirect("ws://edge-2.example/ws")).isNotNull();
        assertThat(allowList.validateRedirect("ws://evil.example/ws")).isNull();
    }
}
