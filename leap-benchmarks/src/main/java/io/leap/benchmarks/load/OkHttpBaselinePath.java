package io.leap.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The strongest hand-written peer: OkHttp 5's WebSocket with Jackson's {@code readTree} of every frame.
 */
final class OkHttpBaselinePath implements ClientPath {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private OkHttpClient httpClient;

	private WebSocket webSocket;

	@Override
	public String name() {
		return "peer: OkHttp 5 WebSocket + readTree";
	}

	@Override
	public void open(URI url, String projectId, Recorder recorder) throws Exception {
		this.httpClient = new OkHttpClient.Builder().build();
		CompletableFuture<Void> opened = new CompletableFuture<>();
		this.webSocket = this.httpClient.newWebSocket(new Request.Builder().url(url.toString().replaceFirst("^ws", "http")).build(),
				new Listener(projectId, recorder, opened));
		opened.get(10, TimeUnit.SECONDS);
	}

	@Override
	public void close() {
		if (this.webSocket != null) {
			this.webSocket.close(1000, "done");
			this.webSocket = null;
		}
		if (this.httpClient != null) {
			this.httpClient.dispatcher().executorService().shutdown();
			this.httpClient.connectionPool().evictAll();
			this.httpClient = null;
		}
	}

	private final class Listener extends WebSocketListener {

		private final String projectId;

		private final Recorder recorder;

		private final CompletableFuture<Void> opened;

		private final Inflater inflater = new Inflater();

		private final byte[] inflated = new byte[64 * 1024];

		Listener(String projectId, Recorder recorder, CompletableFuture<Void> opened) {
			this.projectId = projectId;
			this.recorder = recorder;
			this.opened = opened;
		}

		@Override
		public void onOpen(WebSocket ws, Response response) {
			this.opened.complete(null);
		}

		@Override
		public void onFailure(WebSocket ws, Throwable t, Response response) {
			this.opened.completeExceptionally(t);
		}

		@Override
		public void onMessage(WebSocket ws, String text) {
			handle(ws, OkHttpBaselinePath.this.mapper.readTree(text));
		}

		@Override
		public void onMessage(WebSocket ws, ByteString bytes) {
			handle(ws, OkHttpBaselinePath.this.mapper.readTree(inflate(bytes.toByteArray())));
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
				ws.send("{\"op\":2,\"d\":{\"project_id\":\"" + this.projectId + "\"}}");
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
