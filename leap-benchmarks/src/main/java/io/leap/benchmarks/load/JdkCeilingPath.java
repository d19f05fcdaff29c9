package io.leap.benchmarks.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Not a client: the JDK's {@code java.net.http.WebSocket} (direct executor, as {@code JdkWebSocketTransport} uses it)
 * with a listener that only counts messages once the session is up. Its throughput is the ceiling of any client built
 * on the JDK transport on this machine: the JDK's own framing and UTF-8 decoding, nothing else. Blast only.
 */
final class JdkCeilingPath implements ClientPath {

	private HttpClient httpClient;

	private WebSocket webSocket;

	@Override
	public String name() {
		return "ceiling: JDK WebSocket, count only";
	}

	@Override
	public boolean blastOnly() {
		return true;
	}

	@Override
	public void open(URI url, String projectId, Recorder recorder) throws Exception {
		this.httpClient = HttpClient.newBuilder().executor(Runnable::run).build();
		this.webSocket = this.httpClient.newWebSocketBuilder()
			.buildAsync(url, new Listener(projectId, recorder))
			.get(10, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws Exception {
		if (this.webSocket != null) {
			WebSocket ws = this.webSocket;
			this.webSocket = null;
			ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
			ws.abort();
		}
		if (this.httpClient instanceof AutoCloseable closeable) {
			this.httpClient = null;
			closeable.close();
		}
	}

	/**
	 * Decodes frames like the baseline until the first MESSAGE dispatch (Hello, Identify, Ready), then only counts
	 * frames: during a blast the server sends nothing else (its heartbeat interval is 10 minutes).
	 */
	private static final class Listener implements WebSocket.Listener {

		private final BaselineDecoder decoder;

		private final Recorder recorder;

		/** Set once the first MESSAGE dispatch has been decoded; from then on frames are only counted. */
		private boolean counting;

		private final StringBuilder text = new StringBuilder();

		private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

		Listener(String projectId, Recorder recorder) {
			this.decoder = new BaselineDecoder(projectId, recorder);
			this.recorder = recorder;
		}

		@Override
		public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
			if (this.counting) {
				if (last) {
					this.recorder.message(0);
				}
			}
			else {
				this.text.append(data);
				if (last) {
					long before = this.recorder.received();
					this.decoder.text(this.text.toString(), (reply) -> ws.sendText(reply, true));
					this.counting = this.recorder.received() > before;
					this.text.setLength(0);
				}
			}
			ws.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
			if (this.counting) {
				if (last) {
					this.recorder.message(0);
				}
			}
			else {
				byte[] chunk = new byte[data.remaining()];
				data.get(chunk);
				this.binary.writeBytes(chunk);
				if (last) {
					long before = this.recorder.received();
					this.decoder.binary(this.binary.toByteArray(), (reply) -> ws.sendText(reply, true));
					this.counting = this.recorder.received() > before;
					this.binary.reset();
				}
			}
			ws.request(1);
			return null;
		}

	}

}
