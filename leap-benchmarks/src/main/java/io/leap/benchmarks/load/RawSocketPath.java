package io.leap.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The physical limit, not a client: a plain TCP socket that performs the WebSocket handshake itself, decodes frames with
 * {@link BaselineDecoder} until the first MESSAGE dispatch (Hello, Identify, Ready), and from then on only walks the
 * frame headers and counts complete messages, on one thread, with a 64 KiB buffered read. No WebSocket library, no
 * UTF-8 decoding, no JSON: what this machine's loopback TCP and one reading thread can carry. Blast only.
 */
final class RawSocketPath implements ClientPath {

    private Socket socket;

    private Thread reader;

    @Override
    public String name() {
        return "ceiling: raw socket, count only";
    }

    @Override
    public boolean blastOnly() {
        return true;
    }

    @Override
    public void open(URI url, String projectId, Recorder recorder) throws Exception {
        this.socket = new Socket();
        this.socket.setTcpNoDelay(true);
        this.socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10_000);
        OutputStream out = this.socket.getOutputStream();
        InputStream in = new BufferedInputStream(this.socket.getInputStream(), 64 * 1024);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHeaders(in);
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("Handshake refused: " + status);
        }
        Frames frames = new Frames(in, out, new BaselineDecoder(projectId, recorder), recorder);
        this.reader = new Thread(frames, "raw-socket-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Reads the response head up to the blank line; returns the status line. */
    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Connection closed during the handshake");
            }
            head.append((char) b);
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    @Override
    public void close() throws Exception {
        if (this.socket != null) {
            Socket s = this.socket;
            this.socket = null;
            try {
                // A masked close frame with status 1000, then the socket.
                s.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8});
                s.getOutputStream().flush();
            } catch (IOException ignored) {
                // Already gone.
            }
            s.close();
        }
        if (this.reader != null) {
            this.reader.join(10_000);
        }
    }

    /** The reading loop. Server frames are never masked; the client's replies always are (RFC 6455, 5.3). */
    private static final class Frames implements Runnable {

        private final InputStream in;

        private final OutputStream out;

        private final BaselineDecoder decoder;

        private final Recorder recorder;

        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        private boolean counting;

        private int messageOpcode;

        Frames(InputStream in, OutputStream out, BaselineDecoder decoder, Recorder recorder) {
            this.in = in;
            this.out = out;
            this.decoder = decoder;
            this.recorder = recorder;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    int b0 = this.in.read();
                    int b1 = this.in.read();
                    if (b0 < 0 || b1 < 0) {
                        return;
                    }
                    boolean fin = (b0 & 0x80) != 0;
                    int opcode = b0 & 0x0F;
                    long length = b1 & 0x7F;
                    if (length == 126) {
                        length = (read() << 8) | read();
                    } else if (length == 127) {
                        length = 0;
                        for (int i = 0; i < 8; i++) {
                            length = (length << 8) | read();
                        }
                    }
                    if (opcode == 0x8) {
                        return;
                    }
                    if (opcode >= 0x8) {
                        // Ping or pong: the bench server sends neither during a run; skip the payload.
                        skip(length);
                        continue;
                    }
                    if (this.counting) {
                        skip(length);
                        if (fin) {
                            this.recorder.message(0);
                        }
                        continue;
                    }
                    if (opcode != 0) {
                        this.messageOpcode = opcode;
                    }
                    this.message.write(this.in.readNBytes((int) length));
                    if (fin) {
                        decode();
                    }
                }
            } catch (IOException ex) {
                // The socket was closed.
            }
        }

        private void decode() throws IOException {
            long before = this.recorder.received();
            byte[] payload = this.message.toByteArray();
            this.message.reset();
            if (this.messageOpcode == 0x1) {
                this.decoder.text(new String(payload, StandardCharsets.UTF_8), this::sendText);
            } else {
                this.decoder.binary(payload, this::sendText);
            }
            // During a blast the server sends nothing but MESSAGE dispatches once the first one came.
            this.counting = this.recorder.received() > before;
        }

        private void sendText(String text) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
            frame.write(0x81);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xFF);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
            try {
                this.out.write(frame.toByteArray());
                this.out.flush();
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }

        private long read() throws IOException {
            int b = this.in.read();
            if (b < 0) {
                throw new EOFException();
            }
            return b;
        }

        private void skip(long length) throws IOException {
            long left = length;
            while (left > 0) {
                long n = this.in.skip(left);
                if (n <= 0) {
                    read();
                    n = 1;
                }
                left -= n;
            }
        }
    }
}
