package io.leap.benchmarks.load;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * What waking a sleeping thread costs on this machine, the floor under every client's latency and CPU at low message
 * rates: (1) how late {@code LockSupport.parkNanos} returns, (2) how long a parked thread takes to run after another
 * thread unparks it (the hand-off from a socket-reading thread to a delivery thread), and the CPU time both threads
 * spend per hand-off.
 *
 * <pre>
 * ./mvnw -q -pl leap-benchmarks exec:exec@wake
 * </pre>
 */
public final class WakeLatency {

    private static final int SAMPLES = 20_000;

    private static final java.lang.management.ThreadMXBean threads =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private WakeLatency() {}

    public static void main(String[] args) throws Exception {
        for (long nanos : new long[] {10_000, 50_000, 100_000}) {
            long[] late = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                long t0 = System.nanoTime();
                LockSupport.parkNanos(nanos);
                late[i] = System.nanoTime() - t0 - nanos;
            }
            print("parkNanos(" + nanos / 1000 + " µs) returns late by", late);
        }
        handOff();
    }

    /** A "reader" unparks a parked "delivery" thread every 100 µs, as a client does at 10,000 messages/s. */
    private static void handOff() throws Exception {
        long[] latency = new long[SAMPLES];
        long[] sentAt = new long[1];
        Thread[] parked = new Thread[1];
        Object lock = new Object();
        long[] consumerCpu = new long[1];
        Thread consumer = new Thread(
                () -> {
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < SAMPLES; i++) {
                        synchronized (lock) {
                            parked[0] = Thread.currentThread();
                            lock.notifyAll();
                        }
                        while (true) {
                            LockSupport.park();
                            synchronized (lock) {
                                if (parked[0] == null) {
                                    latency[i] = System.nanoTime() - sentAt[0];
                                    break;
                                }
                            }
                        }
                    }
                    consumerCpu[0] = threads.getCurrentThreadCpuTime() - cpu0;
                },
                "wake-consumer");
        consumer.start();
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < SAMPLES; i++) {
            long due = System.nanoTime() + 100_000;
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            Thread target;
            synchronized (lock) {
                while (parked[0] == null) {
                    lock.wait();
                }
                target = parked[0];
                parked[0] = null;
                sentAt[0] = System.nanoTime();
            }
            LockSupport.unpark(target);
        }
        long producerCpu = threads.getCurrentThreadCpuTime() - cpu0;
        consumer.join();
        print("unpark → parked thread running", latency);
        System.out.printf(
                "CPU per hand-off: waking thread %.1f µs (including its own timed sleep), woken thread %.1f µs%n",
                producerCpu / 1e3 / SAMPLES, consumerCpu[0] / 1e3 / SAMPLES);
    }

    private static void print(String what, long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "%-42s p50 %6.1f µs  p99 %7.1f µs  p99.9 %7.1f µs  max %8.1f µs%n",
                what,
                sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3,
                sorted[(int) (sorted.length * 0.999)] / 1e3,
                sorted[sorted.length - 1] / 1e3);
    }
}
