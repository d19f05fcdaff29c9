package io.leap.benchmarks.load;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts received messages and, in paced mode, records each one's latency from its send time. Armed for one run at a
 * time ({@link #arm(long)}: a warm-up run, then the measured one); called from the clients' delivery threads (thread-safe,
 * so several clients may share one). Used by the load harness and the cluster benchmark.
 */
public final class Recorder {

    private final boolean recordLatency;

    private volatile Run run = new Run(0, false);

    /** @param recordLatency whether {@link #message(long)} records each message's latency */
    public Recorder(boolean recordLatency) {
        this.recordLatency = recordLatency;
    }

    /** @return whether latencies are recorded */
    public boolean recordsLatency() {
        return this.recordLatency;
    }

    /** Starts a run of {@code expected} messages; call when the previous run is done. */
    public void arm(long expected) {
        this.run = new Run(expected, this.recordLatency);
    }

    /** A message arrived; {@code sentNanos} is its send time when latency is recorded, otherwise ignored. */
    public void message(long sentNanos) {
        this.run.message(sentNanos);
    }

    /** @return counted down when the armed run has received its expected messages */
    public CountDownLatch done() {
        return this.run.done;
    }

    /** @return messages received in the armed run */
    public long received() {
        return this.run.received.get();
    }

    /**
     * @param skipFraction the share of the first samples to ignore (warm-up)
     * @return the sorted latencies of the current run in nanoseconds
     */
    public long[] sortedLatencies(double skipFraction) {
        long[] latencies = this.run.latencies;
        int from = (int) (latencies.length * skipFraction);
        long[] copy = Arrays.copyOfRange(latencies, from, latencies.length);
        Arrays.sort(copy);
        return copy;
    }

    private static final class Run {

        final long expected;

        final long[] latencies;

        final AtomicLong received = new AtomicLong();

        final CountDownLatch done = new CountDownLatch(1);

        Run(long expected, boolean recordLatency) {
            this.expected = expected;
            this.latencies = recordLatency ? new long[(int) expected] : new long[0];
        }

        void message(long sentNanos) {
            long n = this.received.getAndIncrement();
            if (n < this.latencies.length) {
                this.latencies[(int) n] = System.nanoTime() - sentNanos;
            }
            if (n + 1 == this.expected) {
                this.done.countDown();
            }
        }
    }
}
