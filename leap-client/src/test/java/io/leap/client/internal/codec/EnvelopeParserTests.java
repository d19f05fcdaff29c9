package io.leap.client.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class EnvelopeParserTests {
    final EnvelopeParser parser =
            new EnvelopeParser(JsonMapper.builder().build().tokenStreamFactory());

    private Envelope parse(String json, boolean bytes) {
        if (bytes) {
            byte[] b = ("xx" + json).getBytes(StandardCharsets.UTF_8);
            return parser.parse(b, 2, b.length - 2);
        }
        char[] c = ("xx" + json).toCharArray();
        return parser.parse(c, 2, c.length - 2);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void messageEnvelopeKeepsDataRaw(boolean bytes) {
        Envelope e = parse(
                "{\"op\":0,\"d\":{\"c\":\"ch\",\"u\":true,\"e\":\"MESSAGE\",\"d\":{\"e\":\"x\",\"d\":{\"k\":\"é\"}}}}",
                bytes);
        assertThat(e.op).isZero();
        assertThat(e.channel).isEqualTo("ch");
        assertThat(e.unicast).isTrue();
        assertThat(e.event).isEqualTo("MESSAGE");
        assertThat(e.messageEvent).isEqualTo("x");
        assertThat(e.messageData.text()).isEqualTo("{\"k\":\"é\"}");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anyFieldOrderAndScalarData(boolean bytes) {
        Envelope e = parse("{\"d\":{\"d\":{\"d\":12.5e3,\"e\":\"n\"},\"e\":\"MESSAGE\",\"c\":null},\"op\":0}", bytes);
        assertThat(e.messageEvent).isEqualTo("n");
        assertThat(e.messageData.text()).isEqualTo("12.5e3");
        assertThat(e.channel).isNull();
        Envelope s = parse("{\"op\":0,\"d\":{\"e\":\"MESSAGE\",\"d\":{\"d\":\"a\\\"b\",\"e\":\"s\"}}}", bytes);
        assertThat(s.messageData.text()).isEqualTo("\"a\\\"b\"");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void helloHeartbeatAndOtherEvents(boolean bytes) {
        assertThat(parse("{\"op\":1,\"d\":{\"heartbeat_interval\":30000}}", bytes).heartbeatInterval)
                .isEqualTo(30000);
        assertThat(parse("{\"op\":3,\"d\":{\"tag\":\"abc\"}}", bytes).tag).isEqualTo("abc");
        assertThat(parse("{\"op\":4}", bytes).op).isEqualTo(4);
        Envelope st =
                parse("{\"op\":0,\"d\":{\"c\":\"g\",\"u\":false,\"e\":\"STATE_UPDATE\",\"d\":{\"state\":[1]}}}", bytes);
        assertThat(st.data.text()).isEqualTo("{\"state\":[1]}");
        assertThat(parse("{\"op\":\"0\"}", bytes).op).isEqualTo(Envelope.OP_INVALID);
        assertThat(parse("{\"x\":1}", bytes).op).isEqualTo(Envelope.OP_ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"op\":0,", "{\"op\":0,\"d\":{\"c\":}}", "nul"})
    void invalidPayloadsAreRejectedClearly(String json) {
        assertThatThrownBy(() -> parse(json, false)).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> parse(json, true)).isInstanceOf(DecodeException.class);
    }
}
