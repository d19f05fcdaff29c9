package io.leap.benchmarks.load;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts received messages and, in paced mode, records each one's latency from its send time. Armed for one run at a
 * time ({@link #arm(long)}: a warm-up run, then the measured one); called from the client's delivery thread.
 */
final class Recorder {

	private final boolean recordLatency;

	private volatile Run run = new Run(0, false);

	Recorder(boolean recordLatency) {
		this.recordLatency = recordLatency;
	}

	boolean recordsLatency() {
		return this.recordLatency;
	}

	/** Starts a run of {@code expected} messages; call when the previous run is done. */
	void arm(long expected) {
		this.run = new Run(expected, this.recordLatency);
	}

	/** A message arrived; {@code sentNanos} is its send time when latency is recorded, otherwise ignored. */
	void message(long sentNanos) {
		this.run.message(sentNanos);
	}

	CountDownLatch done() {
		return this.run.done;
	}

	long received() {
		return this.run.received.get();
	}

	/**
	 * @param skipFraction the share of the first samples to ignore (warm-up)
	 * @return the sorted latencies of the current run in nanoseconds
	 */
	long[] sortedLatencies(double skipFraction) {
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
