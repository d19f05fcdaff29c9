package io.leap.client.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hand-written scanner must accept only what the Jackson path accepts, with the same result; everything it declines
 * goes to Jackson. Checked on the usual frames and, differentially, on random (often invalid) envelopes.
 */
class EnvelopeScannerTests {

    private final EnvelopeParser parser =
            new EnvelopeParser(JsonMapper.builder().build().tokenStreamFactory());
    private final EnvelopeScanner scanner = new EnvelopeScanner();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"op\":0,\"d\":{\"c\":\"bench\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"price.updated\",\"d\":{\"t\":1,\"p\":6.4e4,\"s\":\"BTC\",\"a\":[1,{\"x\":null}],\"b\":true}}}}",
                "{\"op\":0,\"d\":{\"c\":null,\"u\":true,\"e\":\"DIRECT_MESSAGE\",\"d\":{\"e\":\"dm\",\"d\":\"\\u00e9t\\u00e9\"}}}",
                "{\"op\":0,\"d\":{\"c\":\"g\",\"u\":false,\"e\":\"STATE_UPDATE\",\"d\":{\"state\":{\"k\":[]}}}}",
                " {\"d\":{\"d\":{\"d\":-0.5E-3,\"e\":\"n\"},\"e\":\"MESSAGE\",\"c\":\"é\"},\"op\":0} ",
                "{\"op\":0,\"d\":{\"c\":\"x\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"ünï\",\"d\":{\"ключ\":\"значение 😀\"}}}}",
                "{\"op\":0,\"d\":{\"e\":\"MESSAGE\",\"d\":5}}",
                "{\"op\":0,\"d\":[1]}",
                "{\"op\":0}"
            })
    void acceptsTheUsualFramesWithTheSameResultAsJackson(String json) {
        for (boolean bytes : new boolean[] {false, true}) {
            Envelope fast = bytes
                    ? scanner.scan(utf8(json), 0, utf8(json).length)
                    : scanner.scan(json.toCharArray(), 0, json.length());
            assertThat(fast).as("scanner accepts %s", json).isNotNull();
            assertSame(describe(fast), json, bytes, "");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"op\":1,\"d\":{\"heartbeat_interval\":30000}}",
                "{\"op\":4}",
                "{\"op\":3,\"d\":{\"tag\":\"t\"}}",
                "{\"op\":0,\"d\":{\"c\":\"a\\\"b\",\"e\":\"MESSAGE\",\"d\":{}}}",
                "{\"o\\u0070\":0}",
                "{\"op\":0,\"op\":0}",
                "{\"op\":00}",
                "{\"op\":0,\"d\":{\"d\":01}}",
                "{\"op\":0,\"d\":{\"d\":[1,]}}",
                "{\"op\":0,\"d\":{\"d\":\"\t\"}}",
                "{\"op\":0,\"d\":{\"d\":tru}}",
                "{\"op\":0,\"d\":{\"d\":1.}}",
                "{\"op\":0,\"d\":{\"d\":\"\\x\"}}",
                "",
                "{\"op\":0,\"d\":{\"d\":{\"a\" 1}}}",
                "{\"op\":0,\"d\":{\"e\":\"x\",\"e\":\"y\"}}",
                "{}",
                "[]",
                "{\"op\":0,"
            })
    void declinesWhatItDoesNotHandle(String json) {
        assertThat(scanner.scan(json.toCharArray(), 0, json.length())).isNull();
        assertThat(scanner.scan(utf8(json), 0, utf8(json).length)).isNull();
    }

    @Test
    void declinesInvalidUtf8AndVeryDeepNesting() {
        byte[] overlong = "{\"op\":0,\"d\":{\"d\":\"ab\"}}".getBytes(StandardCharsets.ISO_8859_1);
        overlong[18] = (byte) 0xC0;
        overlong[19] = (byte) 0xAF;
        assertThat(scanner.scan(overlong, 0, overlong.length)).isNull();
        String deep = "[".repeat(EnvelopeScanner.MAX_DEPTH + 1) + "]".repeat(EnvelopeScanner.MAX_DEPTH + 1);
        String json = "{\"op\":0,\"d\":{\"e\":\"MESSAGE\",\"d\":{\"e\":\"x\",\"d\":" + deep + "}}}";
        assertThat(scanner.scan(utf8(json), 0, utf8(json).length)).isNull();
        String ok = "[".repeat(EnvelopeScanner.MAX_DEPTH) + "]".repeat(EnvelopeScanner.MAX_DEPTH);
        String json2 = "{\"op\":0,\"d\":{\"e\":\"MESSAGE\",\"d\":{\"e\":\"x\",\"d\":" + ok + "}}}";
        assertThat(scanner.scan(utf8(json2), 0, utf8(json2).length).messageData.text())
                .isEqualTo(ok);
    }

    @Test
    void sliceOffsetsAndRepeatedFieldValuesAreReused() {
        String json = "xx{\"op\":0,\"d\":{\"c\":\"ch\",\"e\":\"MESSAGE\",\"d\":{\"e\":\"ev\",\"d\":[1, 2]}}}yy";
        byte[] b = utf8(json);
        Envelope first = scanner.scan(b, 2, b.length - 4);
        String channel = first.channel;
        assertThat(first.messageData.text()).isEqualTo("[1, 2]");
        Envelope second = scanner.scan(json.toCharArray(), 2, json.length() - 4);
        assertThat(second.channel).isSameAs(channel);
        assertThat(second.messageEvent).isEqualTo("ev");
    }

    /** Random envelopes, valid and broken (fixed seeds): whenever the scanner answers, Jackson gives the same envelope. */
    @Test
    void agreesWithJacksonOnRandomEnvelopes() {
        int accepted = 0;
        for (long seed = 0; seed < 20_000; seed++) {
            Random r = new Random(seed);
            String json = envelope(r);
            if (r.nextInt(4) == 0) {
                json = corrupt(json, r);
            }
            boolean bytes = r.nextBoolean();
            Envelope fast = bytes
                    ? scanner.scan(utf8(json), 0, utf8(json).length)
                    : scanner.scan(json.toCharArray(), 0, json.length());
            if (fast != null) {
                accepted++;
                assertSame(describe(fast), json, bytes, "seed " + seed);
            }
        }
        assertThat(accepted)
                .as("the generator mostly produces frames the scanner handles")
                .isGreaterThan(5_000);
    }

    private void assertSame(String fast, String json, boolean bytes, String note) {
        Envelope slow;
        if (bytes) {
            byte[] b = utf8(json);
            slow = parser.parseWithJackson(b, 0, b.length);
        } else {
            slow = parser.parseWithJackson(json.toCharArray(), 0, json.length());
        }
        assertThat(fast).as("envelope of %s %s", json, note).isEqualTo(describe(slow));
    }

    private static String describe(Envelope e) {
        return "op=" + e.op + " hb=" + e.heartbeatInterval + " tag=" + e.tag + " c=" + e.channel + " u=" + e.unicast
                + " e=" + e.event + " data=" + (e.data == null ? null : e.data.text()) + " bad=" + e.badData + " me="
                + e.messageEvent + " md=" + (e.messageData == null ? null : e.messageData.text()) + " parsed="
                + e.messageParsed;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------ random envelopes

    private static final String[] EVENTS = {"MESSAGE", "DIRECT_MESSAGE", "STATE_UPDATE", "AVAILABLE", "x"};

    private static String envelope(Random r) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(10) > 0) {
            fields.add(
                    q("op") + ws(r) + ":" + ws(r) + (r.nextInt(8) > 0 ? "0" : pick(r, "1", "3", "-0", "0.0", "\"0\"")));
        }
        if (r.nextInt(10) > 0) {
            fields.add(q("d") + ":" + (r.nextInt(8) > 0 ? dispatch(r) : value(r, 2)));
        }
        if (r.nextInt(4) == 0) {
            fields.add(q(pick(r, "s", "t", "o", "dd")) + ":" + value(r, 2));
        }
        if (r.nextInt(20) == 0 && !fields.isEmpty()) {
            fields.add(fields.get(0));
        }
        Collections.shuffle(fields, r);
        return ws(r) + "{" + ws(r) + String.join("," + ws(r), fields) + ws(r) + "}" + ws(r);
    }

    private static String dispatch(Random r) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(6) > 0) {
            fields.add(q("c") + ":" + (r.nextInt(5) > 0 ? str(r) : value(r, 1)));
        }
        if (r.nextInt(3) > 0) {
            fields.add(q("u") + ":" + pick(r, "true", "false", "1", "null"));
        }
        if (r.nextInt(8) > 0) {
            fields.add(q("e") + ws(r) + ":" + (r.nextInt(8) > 0 ? q(pick(r, EVENTS)) : value(r, 1)));
        }
        if (r.nextInt(8) > 0) {
            fields.add(q("d") + ":" + (r.nextInt(4) > 0 ? message(r) : value(r, 3)));
        }
        if (r.nextInt(4) == 0) {
            fields.add(q(pick(r, "x", "cc", "é")) + ":" + value(r, 2));
        }
        if (r.nextInt(20) == 0 && !fields.isEmpty()) {
            fields.add(fields.get(r.nextInt(fields.size())));
        }
        Collections.shuffle(fields, r);
        return "{" + ws(r) + String.join(ws(r) + ",", fields) + "}";
    }

    private static String message(Random r) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(6) > 0) {
            fields.add(q("e") + ":" + (r.nextInt(5) > 0 ? str(r) : value(r, 1)));
        }
        if (r.nextInt(6) > 0) {
            fields.add(q("d") + ":" + ws(r) + value(r, 4));
        }
        if (r.nextInt(4) == 0) {
            fields.add(q("z") + ":" + value(r, 2));
        }
        Collections.shuffle(fields, r);
        return "{" + String.join(",", fields) + ws(r) + "}";
    }

    private static String value(Random r, int depth) {
        int kind = r.nextInt(depth > 0 ? 9 : 6);
        return switch (kind) {
            case 0 -> str(r);
            case 1 -> pick(r, "0", "-1", "12.5", "1e10", "-0.0E+2", "123456789012345678901234567890", "3.25e-7");
            case 2 -> pick(r, "true", "false", "null");
            case 3, 4, 5 -> r.nextBoolean() ? str(r) : pick(r, "7", "[]", "{}");
            case 6, 7 -> {
                int n = r.nextInt(4);
                StringBuilder sb = new StringBuilder("{");
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "")
                            .append(ws(r))
                            .append(str(r))
                            .append(ws(r))
                            .append(':')
                            .append(value(r, depth - 1));
                }
                yield sb.append(ws(r)).append('}').toString();
            }
            default -> {
                int n = r.nextInt(4);
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(ws(r)).append(value(r, depth - 1));
                }
                yield sb.append(']').toString();
            }
        };
    }

    private static String str(Random r) {
        return q(pick(
                r,
                "ch",
                "price.updated",
                "",
                "é",
                "a b",
                "\\\"q\\\"",
                "\\u00e9",
                "\\n\\t",
                "😀",
                "日本",
                "\\/",
                "x\\\\"));
    }

    private static String corrupt(String json, Random r) {
        if (json.isEmpty()) {
            return "{";
        }
        int at = r.nextInt(json.length());
        return switch (r.nextInt(4)) {
            case 0 -> json.substring(0, at);
            case 1 -> json.substring(0, at) + json.substring(at + 1);
            case 2 ->
                json.substring(0, at)
                        + pick(r, "{", "}", "[", "]", ",", ":", "\"", "\\", "x", "0", "\u0001", " ")
                        + json.substring(at);
            default -> json.substring(0, at) + pick(r, "{", "}", "]", ",", "\"", "1") + json.substring(at + 1);
        };
    }

    private static String ws(Random r) {
        return r.nextInt(5) == 0 ? pick(r, " ", "\n", "\t ", "\r\n") : "";
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }
}
