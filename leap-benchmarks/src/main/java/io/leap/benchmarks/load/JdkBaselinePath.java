package io.leap.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Two paths on the JDK's {@code java.net.http.WebSocket}.
 * <ul>
 * <li>The baseline ({@link #baseline()}): a minimal hand-written client that parses every frame with Jackson's
 * {@code readTree}, as a developer with no Leap library would write it (default {@code HttpClient}).</li>
 * <li>The ceiling ({@link #ceiling()}), not a client: the same WebSocket with a direct executor, as
 * {@code JdkWebSocketTransport} uses it, and a listener that only counts frames once the session is up. Its
 * throughput is the limit of any client built on the JDK transport on this machine: the JDK's own framing and UTF-8
 * decoding, nothing else. Blast only.</li>
 * </ul>
 */
final class JdkBaselinePath implements ClientPath {

    private final boolean countOnly;

    private HttpClient httpClient;

    private WebSocket webSocket;

    private JdkBaselinePath(boolean countOnly) {
        this.countOnly = countOnly;
    }

    static JdkBaselinePath baseline() {
        return new JdkBaselinePath(false);
    }

    static JdkBaselinePath ceiling() {
        return new JdkBaselinePath(true);
    }

    @Override
    public String name() {
        return this.countOnly ? "ceiling: JDK WebSocket, count only" : "baseline: JDK WebSocket + readTree";
    }

    @Override
    public boolean blastOnly() {
        return this.countOnly;
    }

    @Override
    public void open(URI url, String projectId, Recorder recorder) throws Exception {
        this.httpClient =
                this.countOnly ? HttpClient.newBuilder().executor(Runnable::run).build() : HttpClient.newHttpClient();
        this.webSocket = this.httpClient
                .newWebSocketBuilder()
                .buildAsync(url, new Listener(projectId, recorder, this.countOnly))
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
     * Decodes every frame (baseline), or (ceiling) decodes frames until the first MESSAGE dispatch (Hello, Identify,
     * Ready) and from then on only counts them: during a blast the server sends nothing else (its heartbeat interval is
     * 10 minutes).
     */
    private static final class Listener implements WebSocket.Listener {

        private final BaselineDecoder decoder;

        private final Recorder recorder;

        private final boolean countOnly;

        /** Ceiling only: set once the first MESSAGE dispatch has been decoded. */
        private boolean counting;

        private final StringBuilder text = new StringBuilder();

        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Listener(String projectId, Recorder recorder, boolean countOnly) {
            this.decoder = new BaselineDecoder(projectId, recorder);
            this.recorder = recorder;
            this.countOnly = countOnly;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (this.counting) {
                count(last);
            } else {
                this.text.append(data);
                if (last) {
                    long before = this.recorder.received();
                    this.decoder.text(this.text.toString(), (reply) -> ws.sendText(reply, true));
                    countFromNowOn(before);
                    this.text.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (this.counting) {
                count(last);
            } else {
                byte[] chunk = new byte[data.remaining()];
                data.get(chunk);
                this.binary.writeBytes(chunk);
                if (last) {
                    long before = this.recorder.received();
                    this.decoder.binary(this.binary.toByteArray(), (reply) -> ws.sendText(reply, true));
                    countFromNowOn(before);
                    this.binary.reset();
                }
            }
            ws.request(1);
            return null;
        }

        private void count(boolean last) {
            if (last) {
                this.recorder.message(0);
            }
        }

        /** The ceiling switches to counting once a decoded frame was a MESSAGE dispatch. */
        private void countFromNowOn(long receivedBefore) {
            this.counting = this.countOnly && this.recorder.received() > receivedBefore;
        }
    }
}
