package io.leap.server.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal blocking WebSocket client over a plain {@link SocketChannel}, fast enough not to be the bottleneck of the
 * server benchmark: it parses frame headers and skips payloads without copying or decoding them.
 */
final class RawWebSocket implements AutoCloseable {

    final SocketChannel channel;
    final AtomicLong frames = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    private final ByteBuffer buf;

    RawWebSocket(URI uri, int bufferSize) throws IOException {
        buf = ByteBuffer.allocateDirect(bufferSize);
        channel = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
        channel.socket().setReceiveBufferSize(bufferSize);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        // Read the 101 response headers; anything after them is frame data.
        buf.clear();
        while (true) {
            if (channel.read(buf) < 0) {
                throw new IOException("closed during the handshake");
            }
            int end = headerEnd();
            if (end >= 0) {
                byte[] head = new byte[end];
                buf.flip();
                buf.get(head);
                if (!new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
                    throw new IOException("upgrade refused: " + new String(head, StandardCharsets.US_ASCII));
                }
                buf.compact();
                return;
            }
        }
    }

    private int headerEnd() {
        for (int i = 3; i < buf.position(); i++) {
            if (buf.get(i - 3) == '\r' && buf.get(i - 2) == '\n' && buf.get(i - 1) == '\r' && buf.get(i) == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Sends one masked text frame. */
    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(payload.length + 14);
        out.put((byte) 0x81);
        if (payload.length <= 125) {
            out.put((byte) (0x80 | payload.length));
        } else {
            out.put((byte) (0x80 | 126)).putShort((short) payload.length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.put(mask);
        for (int i = 0; i < payload.length; i++) {
            out.put((byte) (payload[i] ^ mask[i & 3]));
        }
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** Reads and counts frames until {@code frames} reaches the target or the socket closes. */
    void readUntil(long target) throws IOException {
        while (frames.get() < target) {
            if (channel.read(buf) < 0) {
                throw new IOException("closed after " + frames.get() + " frames");
            }
            buf.flip();
            long counted = 0;
            long payloadBytes = 0;
            while (buf.remaining() >= 2) {
                int start = buf.position();
                int len = buf.get(start + 1) & 0x7F;
                int header = 2;
                long length = len;
                if (len == 126) {
                    if (buf.remaining() < 4) {
                        break;
                    }
                    length = buf.getShort(start + 2) & 0xFFFF;
                    header = 4;
                } else if (len == 127) {
                    if (buf.remaining() < 10) {
                        break;
                    }
                    length = buf.getLong(start + 2);
                    header = 10;
                }
                if (buf.remaining() < header + length) {
                    break;
                }
                buf.position((int) (start + header + length));
                counted++;
                payloadBytes += length;
            }
            buf.compact();
            frames.addAndGet(counted);
            bytes.addAndGet(payloadBytes);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
