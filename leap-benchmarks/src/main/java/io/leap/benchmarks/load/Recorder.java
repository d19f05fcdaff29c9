package io.leap.benchmarks.load;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts received messages and, in paced mode, records each one's latency from its send time. Called from the
 * client's delivery thread: one writer per run.
 */
final class Recorder {

	private final long expected;

	private final boolean recordLatency;

	private final long[] latencies;

	private final AtomicLong received = new AtomicLong();

	private final CountDownLatch done = new CountDownLatch(1);

	Recorder(long expected, boolean recordLatency) {
		this.expected = expected;
		this.recordLatency = recordLatency;
		this.latencies = recordLatency ? new long[(int) expected] : new long[0];
	}

	boolean recordsLatency() {
		return this.recordLatency;
	}

	/** A message arrived; {@code sentNanos} is its send time when latency is recorded, otherwise ignored. */
	void message(long sentNanos) {
		long n = this.received.getAndIncrement();
		if (this.recordLatency && n < this.latencies.length) {
			this.latencies[(int) n] = System.nanoTime() - sentNanos;
		}
		if (n + 1 == this.expected) {
			this.done.countDown();
		}
	}

	CountDownLatch done() {
		return this.done;
	}

	long received() {
		return this.received.get();
	}

	/**
	 * @param skipFraction the share of the first samples to ignore (warm-up)
	 * @return the sorted latencies in nanoseconds
	 */
	long[] sortedLatencies(double skipFraction) {
		int from = (int) (this.latencies.length * skipFraction);
		long[] copy = Arrays.copyOfRange(this.latencies, from, this.latencies.length);
		Arrays.sort(copy);
		return copy;
	}

}
