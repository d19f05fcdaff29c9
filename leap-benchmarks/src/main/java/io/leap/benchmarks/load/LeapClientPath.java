package io.leap.benchmarks.load;

import java.net.URI;
import java.util.function.Supplier;

import io.leap.benchmarks.load.Payloads.Tick;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.WebSocketTransport;

/**
 * {@link LeapClient} with one message listener, on a given transport. In throughput mode the listener reads the
 * envelope only ({@code event()}), unless {@code convert} is set, in which case it also converts every message's data
 * to a record; in paced mode it always converts (it needs the send time).
 */
final class LeapClientPath implements ClientPath {

	private final String name;

	private final Supplier<WebSocketTransport> transport;

	private final boolean convert;

	private LeapClient client;

	private WebSocketTransport openedTransport;

	LeapClientPath(String name, Supplier<WebSocketTransport> transport, boolean convert) {
		this.name = name;
		this.transport = transport;
		this.convert = convert;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public void open(URI url, String projectId, Recorder recorder) {
		this.client = LeapClient.builder(projectId)
			.url(url)
			.transport(this.openedTransport = this.transport.get())
			.reconnectPolicy(ReconnectPolicy.none())
			.build();
		boolean readData = this.convert || recorder.recordsLatency();
		this.client.addMessageListener((LeapMessage message) -> {
			if (readData) {
				Tick tick = message.data(Tick.class);
				recorder.message(tick.t());
			}
			else if (message.event() != null) {
				recorder.message(0);
			}
		});
		this.client.connectAsync().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
	}

	@Override
	public void close() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.openedTransport != null) {
			// A transport given to the builder is not closed by the client.
			this.openedTransport.close();
		}
	}

}
