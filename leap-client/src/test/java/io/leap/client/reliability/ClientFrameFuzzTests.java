package io.leap.client.reliability;

import static io.leap.client.reliability.Reliability.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.FakeTransport;
import io.leap.client.InitInfo;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ReconnectPolicy;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-style fuzzing of the client's inbound path (frame decoding, envelope parsing, dispatch), with plain JUnit 5
 * and a seeded generator (no jqwik, see {@code docs/RELIABILITY.md}). Each seed plays a server that sends 500 arbitrary
 * or mutated frames (bad JSON, wrong types, missing keys, huge numbers, deep nesting, lone surrogates, invalid UTF-8,
 * truncated or corrupt zlib, fragments) after a normal handshake. Properties: no exception escapes the transport
 * callbacks, the connection never dies (one connection, still {@code CONNECTED}), and a valid message sent afterwards is
 * still delivered. A failing case prints its seed and index for replay.
 */
class ClientFrameFuzzTests {

    private static final int FRAMES_PER_SEED = 500;

    private final FakeTransport transport = new FakeTransport();
    private LeapClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 8).map(i -> 0x1EAF_0000L + i);
    }

    private FakeTransport.FakeConnection connect(LeapClient.Builder builder) {
        client = builder.build();
        CompletableFuture<InitInfo> init = client.connectAsync();
        FakeTransport.FakeConnection c = transport.last();
        c.hello(30_000);
        c.init();
        init.join();
        return c;
    }

    private LeapClient.Builder builder() {
        return LeapClient.builder("project_1")
                .url(URI.create("ws://scripted/ws?encoding=json&compression=zlib"))
                .transport(transport)
                .reconnectPolicy(ReconnectPolicy.none());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arbitraryAndMutatedFramesNeverKillTheConnection(long seed) {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger listenerCalls = new AtomicInteger();
        LeapClient.Builder b = builder();
        FakeTransport.FakeConnection c = connect(b);
        client.addMessageListener(m -> {
            listenerCalls.incrementAndGet();
            touch(m);
            seen.add(m.event());
        });
        client.addChannelEventListener(e -> e.toString());
        FrameGenerator gen = new FrameGenerator(new Random(seed));
        for (int i = 0; i < FRAMES_PER_SEED; i++) {
            FrameGenerator.Frame f = gen.next();
            try {
                f.push(c);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " case " + i + " (" + f + ") escaped the client: " + t, t);
            }
            assertThat(client.state()).as("seed %d case %d (%s)", seed, i, f).isEqualTo(ConnectionState.CONNECTED);
        }
        assertThat(transport.connections).as("seed %d: connections", seed).hasSize(1);
        assertThat(c.closeCode)
                .as("seed %d: the client closed the socket", seed)
                .isEqualTo(-1);
        assertThat(c.aborted).isFalse();
        // still decoding and dispatching, in text and in zlib
        c.text(FakeTransport.message("sentinel", "sentinel-text", "{\"ok\":1}"));
        c.binary(FakeTransport.zlib(FakeTransport.message("sentinel", "sentinel-zlib", "[1,2,3]")));
        await().atMost(WAIT).until(() -> seen.contains("sentinel-text") && seen.contains("sentinel-zlib"));
        assertThat(client.stats().decodeErrors())
                .as("seed %d: some frames were undecodable", seed)
                .isPositive();
        assertThat(client.stats().buffered()).isZero();
    }

    /** Exercises the lazy conversions the way a user would; their exceptions are the user's, not the socket's. */
    private static void touch(LeapMessage m) {
        try {
            m.rawData();
            m.data();
        } catch (RuntimeException e) {
            // a LeapException for data that is not valid JSON is fine: it is raised on the listener's thread
        }
    }

    /** The first Hello sets the heartbeat timers: a hostile or broken interval must not kill (or spin) the link. */
    @ParameterizedTest(name = "heartbeat_interval {0}")
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "9223372036854775807",
                "92233720368547758070",
                "1e999",
                "1.7e308",
                "-5",
                "0",
                "\"30000\"",
                "null",
                "[30000]",
                "4611686018427387904"
            })
    void hostileHeartbeatIntervalInHelloDoesNotKillTheConnection(String interval) {
        client = builder().build();
        CompletableFuture<InitInfo> init = client.connectAsync();
        FakeTransport.FakeConnection c = transport.last();
        c.text("{\"op\":1,\"d\":{\"heartbeat_interval\":" + interval + "}}");
        c.init();
        init.join();
        int sentAfterInit = c.sent.size();
        await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
        assertThat(transport.connections).hasSize(1);
        assertThat(c.sent.size() - sentAfterInit)
                .as("heartbeats sent in 600 ms")
                .isLessThan(5);
    }

    // ------------------------------------------------------------------------------------------------ size limits

    @Test
    void zipBombBeyondTheLimitIsRefusedWithoutInflatingIt() {
        int limit = 1024 * 1024;
        FakeTransport.FakeConnection c = connect(builder().maxMessageSize(limit));
        List<String> seen = new CopyOnWriteArrayList<>();
        client.addMessageListener(m -> seen.add(m.event()));
        byte[] bomb = zeros(64 * 1024 * 1024); // 64 MiB of spaces -> ~64 KiB compressed
        long allocated = allocatedBy(() -> c.binary(bomb));
        assertThat(allocated)
                .as("bytes allocated while refusing a %d-byte bomb", bomb.length)
                .isLessThan(4L * limit);
        assertThat(client.stats().decodeErrors()).isEqualTo(1);
        c.binary(FakeTransport.zlib(FakeTransport.message("x", "after", "{}")));
        await().atMost(WAIT).until(() -> seen.contains("after"));
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        System.out.println("[reliability] zip bomb: 64 MiB inflating stream (" + bomb.length / 1024
                + " KiB compressed) refused at the 1 MiB limit; " + Reliability.mib(allocated)
                + " allocated while refusing it");
    }

    @Test
    void fragmentedTextBeyondTheLimitIsRefusedWithoutBufferingIt() {
        int limit = 1024 * 1024;
        FakeTransport.FakeConnection c = connect(builder().maxMessageSize(limit));
        List<String> seen = new CopyOnWriteArrayList<>();
        client.addMessageListener(m -> seen.add(m.event()));
        List<String> parts = new ArrayList<>();
        parts.add("{\"op\":0,\"d\":{\"c\":\"x\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"huge\",\"d\":\"");
        String chunk = "a".repeat(64 * 1024);
        for (int i = 0; i < 128; i++) { // 8 MiB
            parts.add(chunk);
        }
        parts.add("\"}}}");
        long allocated = allocatedBy(() -> c.textFragments(parts));
        assertThat(allocated).isLessThan(4L * limit);
        assertThat(client.stats().decodeErrors()).isEqualTo(1);
        c.text(FakeTransport.message("x", "after", "{}"));
        await().atMost(WAIT).until(() -> seen.contains("after") && !seen.contains("huge"));
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    private static byte[] zeros(int inflatedSize) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] block = new byte[1024 * 1024];
        Arrays.fill(block, (byte) ' ');
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int written = 0; written < inflatedSize; written += block.length) {
            d.setInput(block);
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** Bytes allocated by the current thread while running {@code r} (HotSpot's per-thread allocation counter). */
    private static long allocatedBy(Runnable r) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        r.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    // ------------------------------------------------------------------------------------------------ generator

    /** Seeded generator of hostile server frames. */
    static final class FrameGenerator {
        private static final String[] TEMPLATES = {
            "{\"op\":1,\"d\":{\"heartbeat_interval\":30000}}",
            "{\"op\":3,\"d\":{\"tag\":\"0123456789abcdef\"}}",
            "{\"op\":4}",
            "{\"op\":4,\"d\":{\"tag\":\"0123456789abcdef\",\"latency\":12}}",
            "{\"op\":0,\"d\":{\"c\":null,\"u\":true,\"e\":\"INIT\",\"d\":{\"cid\":\"conn_x\",\"connection_count\":1,"
                    + "\"metadata\":{\"a\":1},\"scope\":\"token\",\"channels\":[{\"id\":\"a\",\"project_id\":\"p\","
                    + "\"type\":\"public\",\"state\":{},\"capabilities\":0}]}}}",
            "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":true,\"e\":\"AVAILABLE\",\"d\":{\"channel\":{\"id\":\"game\","
                    + "\"project_id\":\"p\",\"type\":\"unprotected\",\"state\":{\"r\":1},\"capabilities\":0}}}}",
            "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":true,\"e\":\"UNAVAILABLE\",\"d\":{\"graceful\":false,"
                    + "\"error_code\":\"NOT_GRANTED\"}}}",
            "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"STATE_UPDATE\",\"d\":{\"state\":{\"r\":2}}}}",
            "{\"op\":0,\"d\":{\"c\":null,\"u\":false,\"e\":\"TOKEN_STATE_UPDATE\",\"d\":{\"state\":{\"t\":1}}}}",
            "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"move\",\"d\":{\"x\":1,"
                    + "\"y\":[1,2,{\"z\":null}]}}}}",
            "{\"op\":0,\"d\":{\"c\":null,\"u\":true,\"e\":\"DIRECT_MESSAGE\",\"d\":{\"e\":\"dm\",\"d\":\"hi\"}}}",
            "{\"op\":0,\"d\":{\"c\":\"room\",\"u\":false,\"e\":\"PIPE_ROOM_AVAILABLE\",\"d\":{\"id\":\"r\","
                    + "\"connections\":{}}}}",
            "{\"op\":0,\"d\":{\"c\":\"room\",\"u\":true,\"e\":\"PIPE_ROOM_UNAVAILABLE\",\"d\":{\"join_token\":\"j\","
                    + "\"graceful\":true,\"error_code\":\"X\"}}}",
            "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"NEW_EVENT\",\"d\":[1,2,3]}}",
        };
        private static final String[] VALUES = {
            "null",
            "true",
            "false",
            "0",
            "-1",
            "1e999",
            "-1e999",
            "123456789012345678901234567890",
            "9223372036854775808",
            "-9223372036854775809",
            "1.7976931348623157e309",
            "0.0000000001e-400",
            "\"\"",
            "\"\\ud800\"",
            "\"\\u0000\"",
            "\"MESSAGE\"",
            "\"INIT\"",
            "[]",
            "{}",
            "[[[[[]]]]]",
            "{\"d\":{\"d\":{}}}",
            "\"" + "s".repeat(5000) + "\"",
            "NaN",
            "Infinity",
            "01",
            "1.",
            "\"unterminated",
            "'single'",
        };
        private static final String[] KEYS = {
            "\"op\"",
            "\"d\"",
            "\"e\"",
            "\"c\"",
            "\"u\"",
            "\"heartbeat_interval\"",
            "\"tag\"",
            "\"channel\"",
            "\"state\"",
            "\"channels\"",
            "\"error_code\"",
            "\"cid\""
        };

        private final Random random;

        FrameGenerator(Random random) {
            this.random = random;
        }

        /** One frame as the server would send it. */
        record Frame(String kind, String json, byte[] bytes, List<String> fragments) {
            void push(FakeTransport.FakeConnection c) {
                if (fragments != null) {
                    c.textFragments(fragments);
                } else if (bytes != null) {
                    c.binary(bytes);
                } else {
                    c.text(json);
                }
            }

            @Override
            public String toString() {
                String shown = json == null ? "" : json.length() > 160 ? json.substring(0, 160) + "…" : json;
                return kind + " " + shown + (bytes != null ? " [" + bytes.length + " bytes]" : "");
            }
        }

        Frame next() {
            String json = mutate(TEMPLATES[random.nextInt(TEMPLATES.length)]);
            int how = random.nextInt(100);
            if (how < 45) {
                return new Frame("text", json, null, null);
            }
            if (how < 70) {
                return new Frame("zlib", json, FakeTransport.zlib(json), null);
            }
            if (how < 78) {
                return new Frame("fragments", json, null, split(json));
            }
            byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
            return switch (random.nextInt(5)) {
                case 0 -> new Frame("zlib-invalid-utf8", json, FakeTransport.zlib(invalidUtf8(utf8)), null);
                case 1 -> {
                    byte[] z = FakeTransport.zlib(json);
                    yield new Frame("zlib-truncated", json, Arrays.copyOf(z, random.nextInt(z.length)), null);
                }
                case 2 -> {
                    byte[] z = FakeTransport.zlib(json);
                    z[random.nextInt(z.length)] ^= (byte) (1 + random.nextInt(255));
                    yield new Frame("zlib-corrupt", json, z, null);
                }
                case 3 -> {
                    byte[] junk = new byte[random.nextInt(64)];
                    random.nextBytes(junk);
                    yield new Frame("binary-junk", null, junk, null);
                }
                default -> new Frame("binary-uncompressed", json, utf8, null);
            };
        }

        private List<String> split(String json) {
            List<String> parts = new ArrayList<>();
            int at = 0;
            while (at < json.length()) {
                int n = Math.min(json.length() - at, 1 + random.nextInt(40));
                parts.add(json.substring(at, at + n));
                at += n;
            }
            if (parts.isEmpty() || random.nextInt(10) == 0) {
                parts.add("");
            }
            return parts;
        }

        private byte[] invalidUtf8(byte[] utf8) {
            byte[] out = utf8.clone();
            int bad = 1 + random.nextInt(3);
            for (int i = 0; i < bad && out.length > 0; i++) {
                out[random.nextInt(out.length)] = (byte) (0x80 + random.nextInt(0x80)); // stray continuation/lead
            }
            return out;
        }

        private String mutate(String template) {
            String s = template;
            int mutations = random.nextInt(4); // 0 = a valid frame now and then
            for (int m = 0; m < mutations; m++) {
                s = switch (random.nextInt(9)) {
                    case 0 -> flipChar(s);
                    case 1 -> truncate(s);
                    case 2 -> replaceValue(s);
                    case 3 -> removeKey(s);
                    case 4 -> deepNesting(s);
                    case 5 -> insertJunk(s);
                    case 6 -> s + s.substring(0, random.nextInt(s.length() + 1));
                    case 7 -> swapKey(s);
                    default -> s.replace("\"op\":0", "\"op\":" + VALUES[random.nextInt(VALUES.length)]);
                };
            }
            return s;
        }

        private String flipChar(String s) {
            if (s.isEmpty()) {
                return s;
            }
            char[] chars = s.toCharArray();
            String pool = "{}[]\":,\\ 0aZ\u00e9\ud83d";
            chars[random.nextInt(chars.length)] = pool.charAt(random.nextInt(pool.length()));
            return new String(chars);
        }

        private String truncate(String s) {
            return s.substring(0, random.nextInt(s.length() + 1));
        }

        private String insertJunk(String s) {
            int at = random.nextInt(s.length() + 1);
            return s.substring(0, at) + VALUES[random.nextInt(VALUES.length)] + s.substring(at);
        }

        /** Replaces the value after a random {@code ":"} with another JSON (or not-quite-JSON) value. */
        private String replaceValue(String s) {
            int colon = nth(s, ':');
            if (colon < 0) {
                return s;
            }
            int end = valueEnd(s, colon + 1);
            return s.substring(0, colon + 1) + VALUES[random.nextInt(VALUES.length)] + s.substring(end);
        }

        private String removeKey(String s) {
            String key = KEYS[random.nextInt(KEYS.length)];
            int at = s.indexOf(key + ":");
            if (at < 0) {
                return s;
            }
            int end = valueEnd(s, at + key.length() + 1);
            if (end < s.length() && s.charAt(end) == ',') {
                end++;
            }
            return s.substring(0, at) + s.substring(end);
        }

        private String swapKey(String s) {
            String from = KEYS[random.nextInt(KEYS.length)];
            String to = KEYS[random.nextInt(KEYS.length)];
            return s.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
        }

        private String deepNesting(String s) {
            int depth = 50 + random.nextInt(3000);
            boolean arrays = random.nextBoolean();
            String open = arrays ? "[" : "{\"k\":";
            String close = arrays ? "]" : "}";
            String value = open.repeat(depth) + "1" + close.repeat(depth);
            int colon = s.lastIndexOf("\"d\":");
            if (colon < 0) {
                return s;
            }
            int start = colon + 4;
            int end = valueEnd(s, start);
            return s.substring(0, start) + value + s.substring(end);
        }

        private int nth(String s, char c) {
            int count = 0;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == c) {
                    count++;
                }
            }
            if (count == 0) {
                return -1;
            }
            int target = random.nextInt(count);
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == c && target-- == 0) {
                    return i;
                }
            }
            return -1;
        }

        /** The end of the JSON value starting at {@code from} (lenient: stops at the enclosing , } or ]). */
        private static int valueEnd(String s, int from) {
            int depth = 0;
            boolean inString = false;
            for (int i = from; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (inString) {
                    if (ch == '\\') {
                        i++;
                    } else if (ch == '"') {
                        inString = false;
                    }
                } else if (ch == '"') {
                    inString = true;
                } else if (ch == '{' || ch == '[') {
                    depth++;
                } else if (ch == '}' || ch == ']') {
                    if (depth == 0) {
                        return i;
                    }
                    depth--;
                } else if (ch == ',' && depth == 0) {
                    return i;
                }
            }
            return s.length();
        }
    }
}
