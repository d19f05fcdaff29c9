package io.leap.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seeded fuzzing of {@link LeapServer}'s inbound side with raw WebSocket frames (plain JUnit 5, no jqwik). For every
 * case a fresh connection sends one arbitrary or mutated frame, then a heartbeat; the outcome must be one the spec
 * allows (§11, D-10, D-11): still open (the heartbeat is acknowledged), or a close frame with the right code — never a
 * silent drop. Afterwards the server has no connection left and still serves normally. Failing cases print the seed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerInboundFuzzTests {

    /** The builder of the server under test: the in-memory engine here, Redis in {@code RedisServerInboundFuzzTests}. */
    LeapServer.Builder builder() {
        return LeapServer.builder();
    }

    private static final int STAYS = 0;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUERY = "/ws?encoding=json&compression=none";

    private static LeapServer server;

    @BeforeAll
    void start() {
        server = builder().heartbeatInterval(Duration.ofSeconds(5)).build().start();
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void serverSurvives() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server.connectionCount() == 0);
        // and still serves: handshake, Identify, INIT, heartbeat ack
        try (RawFrameSocket s = open(true)) {
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(STAYS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> server.connectionCount() == 0);
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 3).map(i -> 0x5E_0000L + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedFramesGetTheSpecsCloseCodeOrAreIgnored(long seed) throws Exception {
        Random random = new Random(seed);
        int[] outcomes = new int[5000];
        for (int i = 0; i < 150; i++) {
            boolean identified = random.nextInt(4) != 0;
            String json = mutate(random, TEMPLATES[random.nextInt(TEMPLATES.length)]);
            boolean zlib = random.nextInt(4) == 0;
            Set<Integer> allowed = allowed(json, identified);
            try (RawFrameSocket s = open(identified)) {
                if (zlib) {
                    s.send(RawFrameSocket.BINARY, zlib(json.getBytes(StandardCharsets.UTF_8)));
                } else {
                    s.sendText(json);
                }
                int outcome = outcomeAfterHeartbeat(s);
                outcomes[outcome]++;
                assertThat(allowed)
                        .as(
                                "seed %d case %d: %s%s (identified=%s) -> %s",
                                seed,
                                i,
                                zlib ? "zlib " : "",
                                abbreviate(json),
                                identified,
                                outcome == STAYS ? "still open" : "closed " + outcome)
                        .contains(outcome);
            }
        }
        System.out.printf(
                "[reliability] server fuzz seed %d: 150 cases, still open %d, 4003 %d, 4004 %d, 4005 %d%n",
                seed, outcomes[STAYS], outcomes[4003], outcomes[4004], outcomes[4005]);
    }

    @Test
    void invalidUtf8InATextFrameIsRefusedWithACloseCode() throws Exception {
        try (RawFrameSocket s = open(true)) {
            byte[] bad = "{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"x\",\"d\":\"__\"}}}"
                    .getBytes(StandardCharsets.UTF_8);
            int at = new String(bad, StandardCharsets.UTF_8).indexOf("__");
            bad[at] = (byte) 0xC3; // lead byte followed by '_' : invalid
            bad[at + 1] = (byte) 0x28;
            s.send(RawFrameSocket.TEXT, bad);
            assertThat(outcomeAfterHeartbeat(s)).isIn(1007, 4005);
        }
    }

    @Test
    void zipBombBeyondOneMebibyteIsClosedWith4005() throws Exception {
        byte[] spaces = new byte[8 * 1024 * 1024];
        Arrays.fill(spaces, (byte) ' ');
        byte[] bomb = zlib(spaces);
        try (RawFrameSocket s = open(true)) {
            s.send(RawFrameSocket.BINARY, bomb);
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(4005);
        }
    }

    @Test
    void oversizedTextIsClosedWith4005() throws Exception {
        String big = "{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"x\",\"d\":\""
                + "a".repeat(1024 * 1024) + "\"}}}";
        try (RawFrameSocket s = open(true)) {
            try {
                s.sendText(big);
            } catch (java.io.IOException e) {
                // the server may refuse the frame from its header and close before it is fully written
            }
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(4005);
        }
    }

    @ParameterizedTest(name = "binary {0}")
    @ValueSource(strings = {"junk", "truncated-zlib", "empty"})
    void undecodableBinaryFramesAreClosedWith4005(String kind) throws Exception {
        byte[] payload = switch (kind) {
            case "junk" -> new byte[] {1, 2, 3, 4, 5};
            case "truncated-zlib" -> Arrays.copyOf(zlib("{\"op\":3}".getBytes(StandardCharsets.UTF_8)), 4);
            default -> new byte[0];
        };
        try (RawFrameSocket s = open(true)) {
            s.send(RawFrameSocket.BINARY, payload);
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(4005);
        }
    }

    @Test
    void exactCodesForTheBasicViolations() throws Exception {
        try (RawFrameSocket s = open(false)) {
            s.sendText("{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"SUBSCRIBE\"}}");
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(4003);
        }
        try (RawFrameSocket s = open(true)) {
            s.sendText("{\"op\":7}");
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(4004);
        }
        try (RawFrameSocket s = open(true)) {
            s.sendText("{\"op\":2,\"d\":{\"project_id\":\"" + server.projectId() + "\"}}");
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(4005);
        }
        try (RawFrameSocket s = open(true)) {
            s.sendText("{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"NOT_AN_EVENT\",\"d\":{}}}");
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(STAYS);
        }
        try (RawFrameSocket s = open(false)) {
            s.sendText("{\"op\":2,\"d\":{\"project_id\":\"" + server.projectId() + "\",\"token\":\"ptk_nope\"}}");
            assertThat(outcomeAfterHeartbeat(s)).isEqualTo(4001);
        }
    }

    // ------------------------------------------------------------------------------------------------ oracle

    /** The outcomes the spec allows for one frame. */
    static Set<Integer> allowed(String json, boolean identified) {
        if (json.getBytes(StandardCharsets.UTF_8).length > 1024 * 1024) {
            return Set.of(4005);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            return Set.of(4005);
        }
        if (root == null || !root.isObject()) {
            return Set.of(4005);
        }
        JsonNode op = root.get("op");
        if (op == null || !op.isNumber()) {
            return Set.of(4005);
        }
        if (!op.isIntegralNumber() || !op.canConvertToInt()) {
            return Set.of(4004, 4005); // a number, but not a usable opcode
        }
        return switch (op.intValue()) {
            case 3 -> Set.of(STAYS, 4005);
            case 2 -> identified ? Set.of(4005) : Set.of(STAYS, 4001, 4005);
            case 0 -> identified ? Set.of(STAYS, 4005) : Set.of(4003, 4005);
            default -> Set.of(4004);
        };
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private static RawFrameSocket open(boolean identify) throws Exception {
        RawFrameSocket s = new RawFrameSocket(server.port(), QUERY, 10_000);
        RawFrameSocket.Frame hello = s.read();
        assertThat(hello).isNotNull();
        assertThat(hello.text()).contains("\"op\":1");
        if (identify) {
            s.sendText("{\"op\":2,\"d\":{\"project_id\":\"" + server.projectId() + "\"}}");
            while (true) {
                RawFrameSocket.Frame f = s.read();
                assertThat(f).as("INIT").isNotNull();
                if (f.opcode() == RawFrameSocket.TEXT && f.text().contains("\"INIT\"")) {
                    break;
                }
            }
        }
        return s;
    }

    /** Sends a heartbeat; STAYS if it is acknowledged, else the close code; 1006 for a drop without a close frame. */
    private static int outcomeAfterHeartbeat(RawFrameSocket s) throws Exception {
        try {
            s.sendText("{\"op\":3}");
        } catch (java.io.IOException e) {
            // already closed by the server: the close frame is still readable
        }
        while (true) {
            RawFrameSocket.Frame f = s.read();
            if (f == null) {
                return 1006;
            }
            if (f.opcode() == RawFrameSocket.CLOSE) {
                return f.closeCode();
            }
            if (f.opcode() == RawFrameSocket.TEXT && f.text().startsWith("{\"op\":4")) {
                return STAYS;
            }
        }
    }

    private static final String[] TEMPLATES = {
        "{\"op\":3}",
        "{\"op\":3,\"d\":{\"tag\":\"0123456789abcdef\"}}",
        "{\"op\":2,\"d\":{\"project_id\":\"PROJECT\"}}",
        "{\"op\":0,\"d\":{\"c\":\"game\",\"u\":false,\"e\":\"SUBSCRIBE\",\"d\":null}}",
        "{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"UNSUBSCRIBE\"}}",
        "{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"SET_CHANNEL_STATE\",\"d\":{\"r\":1}}}",
        "{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"move\",\"d\":{\"x\":[1,2,{\"y\":null}]}}}}",
        "{\"op\":0,\"d\":{\"c\":\"room\",\"e\":\"PIPE_ROOM_SUBSCRIBE\",\"d\":{\"join_token\":\"j\"}}}",
        "{\"op\":0,\"d\":{\"c\":\"game\",\"e\":\"WHATEVER\",\"d\":[1]}}",
    };
    private static final String[] VALUES = {
        "null",
        "true",
        "0",
        "-1",
        "2",
        "3",
        "7",
        "1.5",
        "1e999",
        "123456789012345678901234567890",
        "\"\"",
        "\"\\ud800\"",
        "\"0\"",
        "[]",
        "{}",
        "[[[[[[]]]]]]",
        "NaN",
        "01",
        "\"unterminated",
        "{\"d\":{\"d\":{}}}",
    };

    private static String mutate(Random random, String template) {
        String s = template.replace("PROJECT", server.projectId());
        int mutations = random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(s.length() + 1);
            s = switch (random.nextInt(6)) {
                case 0 -> s.substring(0, at); // truncate
                case 1 -> s.substring(0, at) + VALUES[random.nextInt(VALUES.length)] + s.substring(at); // insert
                case 2 -> {
                    int colon = s.indexOf(':', at);
                    if (colon < 0) {
                        yield s;
                    }
                    int end = colon + 1;
                    while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
                        end++;
                    }
                    yield s.substring(0, colon + 1) + VALUES[random.nextInt(VALUES.length)] + s.substring(end);
                }
                case 3 -> s.replaceFirst("\"(op|d|e|c)\":", "\"x$1\":"); // a key goes missing
                case 4 -> {
                    int depth = 10 + random.nextInt(2000);
                    yield s.replaceFirst("\"d\":", "\"d\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + ",\"q\":");
                }
                default -> {
                    int op = s.indexOf("\"op\":");
                    yield op < 0 || op + 5 >= s.length()
                            ? s
                            : s.substring(0, op + 5) + VALUES[random.nextInt(VALUES.length)] + s.substring(op + 6);
                }
            };
            if (s.isEmpty()) {
                s = " ";
            }
        }
        return s;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + " chars)" : s;
    }

    static byte[] zlib(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
