package io.leap.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTests {

    private static SplittableRandom seeded(String test) {
        long seed = System.nanoTime();
        System.out.println("BackoffTests." + test + " seed=" + seed);
        return new SplittableRandom(seed);
    }

    @Test
    void ceilingGrowsByTheMultiplierUpToTheCap() {
        Backoff b = Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(2), 3.0, 1.0);
        assertThat(b.ceiling(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.ceiling(2)).isEqualTo(Duration.ofMillis(300));
        assertThat(b.ceiling(3)).isEqualTo(Duration.ofMillis(900));
        assertThat(b.ceiling(4)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(9), 1.0, 1.0)
                        .ceiling(50))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void fullJitterIsUniformBelowTheCeilingAndNoJitterIsTheCeiling() {
        Backoff full = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(full.multiplier()).isEqualTo(2.0);
        assertThat(full.jitter()).isEqualTo(1.0);
        assertThat(full.delay(3, 0.0)).isEqualTo(Duration.ZERO);
        assertThat(full.delay(3, 0.5)).isEqualTo(Duration.ofSeconds(2));
        Backoff none = full.withJitter(0.0);
        assertThat(none.delay(3, 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(none.delay(3, 0.99)).isEqualTo(Duration.ofSeconds(4));
        Backoff quarter = full.withJitter(0.25);
        assertThat(quarter.delay(3, 0.0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(quarter.delay(3, 0.5)).isEqualTo(Duration.ofMillis(3500));
    }

    @Test
    void delaysFromASeededSourceStayWithinTheirBoundsAndRepeat() {
        SplittableRandom random = seeded("delaysFromASeededSourceStayWithinTheirBoundsAndRepeat");
        long seed = random.nextLong();
        Backoff b = Backoff.of(Duration.ofMillis(50), Duration.ofSeconds(5), 1.7, 0.6);
        List<Duration> first = new ArrayList<>();
        SplittableRandom r1 = new SplittableRandom(seed);
        for (int attempt = 1; attempt <= 40; attempt++) {
            Duration d = b.delay(attempt, r1);
            Duration ceiling = b.ceiling(attempt);
            assertThat(d)
                    .isLessThanOrEqualTo(ceiling)
                    .isGreaterThanOrEqualTo(Duration.ofNanos((long) (ceiling.toNanos() * 0.4) - 1));
            first.add(d);
        }
        SplittableRandom r2 = new SplittableRandom(seed);
        for (int attempt = 1; attempt <= 40; attempt++) {
            assertThat(b.delay(attempt, r2)).isEqualTo(first.get(attempt - 1));
        }
        assertThat(first.stream().distinct().count()).isGreaterThan(30);
    }

    @Test
    void invalidSettingsAreRefusedWithTheValue() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> Backoff.of(Duration.ZERO, s, 2, 1)).hasMessageContaining("initial");
        assertThatThrownBy(() -> Backoff.of(s.multipliedBy(2), s, 2, 1)).hasMessageContaining("max");
        assertThatThrownBy(() -> Backoff.of(s, s, 0.5, 1)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> Backoff.of(s, s, Double.NaN, 1)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> Backoff.of(s, s, 2, 1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> Backoff.of(s, s, 2, -0.1)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> Backoff.exponential(s, s).delay(1, 1.0)).hasMessageContaining("random");
        assertThatThrownBy(() -> Backoff.exponential(null, s)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void valueSemantics() {
        Backoff a = Backoff.of(Duration.ofMillis(5), Duration.ofMillis(50), 2.0, 0.5);
        assertThat(a)
                .isEqualTo(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(50))
                        .withJitter(0.5))
                .hasSameHashCodeAs(Backoff.of(Duration.ofMillis(5), Duration.ofMillis(50), 2.0, 0.5))
                .isNotEqualTo(a.withMultiplier(3.0))
                .isNotEqualTo(a.withMax(Duration.ofMillis(60)));
        assertThat(a.toString()).contains("PT0.005S", "PT0.05S", "2.0", "0.5");
    }

    @Test
    void reconnectPolicyUsesItsBackoff() {
        SplittableRandom random = seeded("reconnectPolicyUsesItsBackoff");
        long seed = random.nextLong();
        Backoff b = Backoff.of(Duration.ofMillis(10), Duration.ofSeconds(1), 4.0, 0.3);
        ReconnectPolicy p = ReconnectPolicy.of(b).maxAttempts(7);
        assertThat(p.backoff()).contains(b);
        assertThat(p.min()).isEqualTo(Duration.ofMillis(10));
        assertThat(p.max()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.multiplier()).isEqualTo(4.0);
        assertThat(p.maxAttempts()).isEqualTo(7);
        assertThat(p.stableAfter()).isEqualTo(Duration.ofSeconds(30));
        SplittableRandom r1 = new SplittableRandom(seed);
        SplittableRandom r2 = new SplittableRandom(seed);
        for (int attempt = 1; attempt <= 6; attempt++) {
            assertThat(p.ceiling(attempt)).isEqualTo(b.ceiling(attempt));
            assertThat(p.delay(attempt, r1)).isEqualTo(b.delay(attempt, r2));
        }
        assertThat(ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0)
                        .backoff())
                .contains(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        assertThat(ReconnectPolicy.none().backoff()).isEmpty();
        assertThat(ReconnectPolicy.none().delay(3, random)).isEqualTo(Duration.ZERO);
        assertThat(ReconnectPolicy.none().ceiling(3)).isEqualTo(Duration.ZERO);
    }
}
