package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Scheduler#external}: an application's executor, tasks one at a time, only the client's own tasks cancelled. */
class ExternalSchedulerTests {

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(4);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void tasksRunOneAtATimeOnAMultiThreadedExecutor() throws Exception {
        Scheduler scheduler = Scheduler.external(executor);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        int tasks = 40;
        CountDownLatch done = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            scheduler.schedule(
                    () -> {
                        int now = running.incrementAndGet();
                        maxRunning.accumulateAndGet(now, Math::max);
                        // Busy for a moment so that overlapping runs would be seen (no sleep: a short spin).
                        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        running.decrementAndGet();
                        done.countDown();
                    },
                    0);
        }
        assertThat(done.await(15, TimeUnit.SECONDS)).isTrue();
        assertThat(maxRunning.get()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> ((Scheduler.External) scheduler).pendingCount() == 0);
    }

    @Test
    void shutdownCancelsOnlyTheClientsTasksAndLeavesTheExecutorRunning() throws Exception {
        Scheduler scheduler = Scheduler.external(executor);
        AtomicInteger ran = new AtomicInteger();
        scheduler.schedule(ran::incrementAndGet, TimeUnit.HOURS.toNanos(1));
        scheduler.scheduleWithFixedDelay(ran::incrementAndGet, TimeUnit.HOURS.toNanos(1), TimeUnit.HOURS.toNanos(1));
        assertThat(((Scheduler.External) scheduler).pendingCount()).isEqualTo(2);

        scheduler.shutdown();
        assertThat(((Scheduler.External) scheduler).pendingCount()).isZero();
        assertThat(executor.isShutdown()).isFalse();
        assertThat(scheduler.schedule(ran::incrementAndGet, 0)).isSameAs(Scheduler.NONE);
        assertThat(scheduler.scheduleWithFixedDelay(ran::incrementAndGet, 0, 1_000_000))
                .isSameAs(Scheduler.NONE);
        CountDownLatch other = new CountDownLatch(1);
        executor.execute(other::countDown);
        assertThat(other.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isZero();
    }

    @Test
    void aCancelledTimerNeverRuns() throws Exception {
        Scheduler scheduler = Scheduler.external(executor);
        AtomicInteger ran = new AtomicInteger();
        Scheduler.Timer timer = scheduler.schedule(ran::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(200));
        timer.cancel();
        CountDownLatch later = new CountDownLatch(1);
        scheduler.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isZero();
    }
}
