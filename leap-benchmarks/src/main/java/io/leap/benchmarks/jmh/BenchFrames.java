package io.leap.benchmarks.jmh;

import io.leap.benchmarks.load.Payloads;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The frames the microbenchmarks decode: the same ~220-byte MESSAGE dispatch the load harness blasts (the shape
 * {@code LeapServer.encodeMessage} produces), as text and as one self-contained zlib stream.
 */
public final class BenchFrames {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private BenchFrames() {}

    /** @return the MESSAGE dispatch JSON */
    public static String messageJson() {
        ObjectNode root = MAPPER.createObjectNode().put("op", 0);
        ObjectNode d = root.putObject("d").put("c", "bench").put("u", false).put("e", "MESSAGE");
        d.putObject("d").put("e", "price.updated").set("d", MAPPER.valueToTree(Payloads.tick(123456789L, 42)));
        return MAPPER.writeValueAsString(root);
    }

    /** @return the user data ({@code d.d}) of {@link #messageJson()} */
    public static String dataJson() {
        return MAPPER.writeValueAsString(Payloads.tick(123456789L, 42));
    }

    /** @return {@code json} as one zlib stream, as the server sends it with {@code compression=zlib} */
    public static byte[] zlib(String json) {
        Deflater deflater = new Deflater();
        deflater.setInput(json.getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }
}
