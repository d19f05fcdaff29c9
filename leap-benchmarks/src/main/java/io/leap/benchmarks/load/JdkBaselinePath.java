package io.leap.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The baseline: a minimal hand-written client on the JDK's {@code java.net.http.WebSocket} that parses every frame
 * with Jackson's {@code readTree}, as a developer with no Leap library would write it.
 */
final class JdkBaselinePath implements ClientPath {

	private final JsonMapper mapper = JsonMapper.builder().build();

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

	private final class Listener implements WebSocket.Listener {

		private final String projectId;

		private final Recorder recorder;

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		private final Inflater inflater = new Inflater();

		private final byte[] inflated = new byte[64 * 1024];

		Listener(String projectId, Recorder recorder) {
			this.projectId = projectId;
			this.recorder = recorder;
		}

		@Override
		public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				handle(ws, JdkBaselinePath.this.mapper.readTree(this.text.toString()));
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
				handle(ws, JdkBaselinePath.this.mapper.readTree(inflate(this.binary.toByteArray())));
				this.binary.reset();
			}
			ws.request(1);
			return null;
		}

		private byte[] inflate(byte[] compressed) {
			this.inflater.reset();
			this.inflater.setInput(compressed);
			ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 3);
			try {
				while (!this.inflater.finished()) {
					int n = this.inflater.inflate(this.inflated);
					if (n == 0 && (this.inflater.needsInput() || this.inflater.needsDictionary())) {
						break;
					}
					out.write(this.inflated, 0, n);
				}
			}
			catch (DataFormatException ex) {
				throw new IllegalStateException(ex);
			}
			return out.toByteArray();
		}

		private void handle(WebSocket ws, JsonNode payload) {
			int op = payload.path("op").asInt(-1);
			if (op == 1) {
				ws.sendText("{\"op\":2,\"d\":{\"project_id\":\"" + this.projectId + "\"}}", true);
			}
			else if (op == 0) {
				JsonNode dispatch = payload.path("d");
				if ("MESSAGE".equals(dispatch.path("e").asString(""))) {
					this.recorder.message(this.recorder.recordsLatency() ? dispatch.path("d").path("d").path("t").asLong() : 0);
				}
			}
		}

	}

}
