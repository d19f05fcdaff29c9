package io.leap.client.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leap.client.internal.Redaction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class LeapStateTests {

    record Player(String name, int score) {}

    @Test
    void convertsToTreeMapAndTypes() {
        LeapState s = LeapState.of(JsonMapper.shared().readTree("{\"name\":\"ann\",\"score\":3,\"tags\":[\"a\"]}"));
        assertThat(s.asMap())
                .containsEntry("name", "ann")
                .containsEntry("score", 3)
                .containsEntry("tags", List.of("a"));
        assertThat(s.as(new TypeReference<Map<String, Object>>() {})).hasSize(3);
        assertThat(s.get("name").stringValue()).isEqualTo("ann");
        assertThat(s.has("tags")).isTrue();
        assertThat(s.get("missing")).isNull();
        assertThat(s.toJson()).isEqualTo("{\"name\":\"ann\",\"score\":3,\"tags\":[\"a\"]}");
        assertThatThrownBy(() -> s.as(Integer.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isImmutableAndComparedByValue() {
        ObjectNode source = JsonMapper.shared().createObjectNode().put("a", 1);
        LeapState s = LeapState.of(source);
        source.put("a", 2);
        s.json().put("a", 3);
        assertThat(s.get("a").intValue()).isEqualTo(1);
        assertThat(s).isEqualTo(LeapState.of(JsonMapper.shared().readTree("{\"a\":1}")));
        assertThat(s.hashCode())
                .isEqualTo(
                        LeapState.of(JsonMapper.shared().readTree("{\"a\":1}")).hashCode());
        assertThat(LeapState.empty().isEmpty()).isTrue();
    }

    @Test
    void refusesNonObjects() {
        assertThatThrownBy(() -> LeapState.of(JsonMapper.shared().readTree("[1]")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void redactionHidesSecrets() {
        assertThat(Redaction.redactText("token leap_token_abc, auth pat_x1 and bearer_q.r/s", "custom"))
                .isEqualTo("token leap_token_***, auth pat_*** and bearer_***/s");
        assertThat(Redaction.redactSecret("leap_token_abc")).isEqualTo("leap_token_***");
        assertThat(Redaction.redactSecret("weird")).isEqualTo("***");
    }
}
