package io.leap.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Hand-made RFC 6455 server frames (unmasked, FIN set) for the blast fast path. */
final class WireFrames {

    private static final int CHUNK_TARGET_BYTES = 64 * 1024;

    record Chunk(ByteBuf buffer, int frameLength, int frames) {}

    private WireFrames() {}

    /**
     * A direct buffer holding as many complete copies of the frame as fit in about 64 KiB (at least one), but no more
     * than {@code count}: a blast of one message (a paced sender) must not build 64 KiB of copies each time.
     */
    static Chunk chunk(byte[] payload, boolean binary, long count) {
        byte[] header = header(payload.length, binary);
        int frameLength = header.length + payload.length;
        int frames = (int) Math.max(1, Math.min(count, CHUNK_TARGET_BYTES / frameLength));
        ByteBuf buf = Unpooled.directBuffer(frames * frameLength);
        for (int i = 0; i < frames; i++) {
            buf.writeBytes(header).writeBytes(payload);
        }
        return new Chunk(buf, frameLength, frames);
    }

    static byte[] header(int length, boolean binary) {
        byte first = (byte) (0x80 | (binary ? 0x2 : 0x1));
        if (length <= 125) {
            return new byte[] {first, (byte) length};
        }
        if (length <= 0xFFFF) {
            return new byte[] {first, 126, (byte) (length >>> 8), (byte) length};
        }
        byte[] h = new byte[10];
        h[0] = first;
        h[1] = 127;
        long l = length;
        for (int i = 0; i < 8; i++) {
            h[9 - i] = (byte) (l >>> (8 * i));
        }
        return h;
    }
}
