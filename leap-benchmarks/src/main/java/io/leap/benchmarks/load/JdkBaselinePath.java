package io.leap.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;


/**
 * The baseline: a minimal hand-written client on the JDK's {@code java.net.http.WebSocket} that parses every frame
 * with Jackson's {@code readTree}, as a developer with no Leap library would write it.
 */
final class JdkBaselinePath implements ClientPath {

	private HttpClient httpClient;

	private WebSocket webSocket;

	@Override
	public String name() {
		return "baseline: JDK WebSocket + readTree";
	}

	@Override
	public void open(URI url, String projectId, Recorder recorder) throws Exception {
		this.httpClient = HttpClient.newHttpClient();
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

	private static final class Listener implements WebSocket.Listener {

		private final BaselineDecoder decoder;

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		Listener(String projectId, Recorder recorder) {
			this.decoder = new BaselineDecoder(projectId, recorder);
		}

		@Override
		public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.decoder.text(this.text.toString(), (reply) -> ws.sendText(reply, true));
				this.text.setLength(0);
			}
			ws.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
			byte[] chunk = new byte[data.remaining()];
			data.get(chunk);
			this.binary.writeBytes(chunk);
			if (last) {
				this.decoder.binary(this.binary.toByteArray(), (reply) -> ws.sendText(reply, true));
				this.binary.reset();
			}
			ws.request(1);
			return null;
		}

	}

}
