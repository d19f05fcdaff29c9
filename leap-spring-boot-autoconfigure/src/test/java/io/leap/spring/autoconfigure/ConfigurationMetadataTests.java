package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generated {@code META-INF/spring-configuration-metadata.json} (what IDEs show) follows Boot's description style
 * for every key this module owns.
 */
class ConfigurationMetadataTests {

    private static JsonNode metadata() throws IOException {
        try (InputStream in = ConfigurationMetadataTests.class
                .getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated configuration metadata").isNotNull();
            return JsonMapper.shared().readTree(in);
        }
    }

    @Test
    void everyLeapPropertyIsDocumentedInBootStyle() throws IOException {
        Set<String> names = new HashSet<>();
        for (JsonNode property : metadata().get("properties")) {
            String name = property.get("name").asString();
            names.add(name);
            if (!name.startsWith("leap.")
                    && !name.equals("hop.logging.level")
                    && !name.equals("management.health.leap.enabled")) {
                continue;
            }
            String description = property.path("description").asString("");
            assertThat(description)
                    .as("description of %s", name)
                    .isNotBlank()
                    .doesNotStartWith("The ")
                    .doesNotStartWith("A ")
                    .doesNotStartWith("An ");
            if ("java.lang.Boolean".equals(property.path("type").asString(""))) {
                assertThat(description).as("description of boolean %s", name).startsWith("Whether ");
            }
        }
        assertThat(names)
                .contains(
                        "leap.api.token",
                        "leap.listener.phase",
                        "leap.embedded.enabled",
                        "leap.observation-enabled",
                        "leap.events.observation-enabled",
                        "leap.api.observation-enabled",
                        "leap.listener.observation-enabled",
                        "management.health.leap.enabled",
                        "hop.logging.level");
    }

    @Test
    void everyHintNamesAKnownProperty() throws IOException {
        JsonNode metadata = metadata();
        Set<String> names = new HashSet<>();
        metadata.get("properties")
                .forEach((property) -> names.add(property.get("name").asString()));
        List<String> hints = metadata.get("hints")
                .valueStream()
                .map((hint) -> hint.get("name").asString())
                .toList();
        assertThat(hints).isNotEmpty().allSatisfy((hint) -> assertThat(names).contains(hint));
    }

    @Test
    void phasesHaveTheirDefaults() throws IOException {
        for (JsonNode property : metadata().get("properties")) {
            if (property.get("name").asString().endsWith(".phase")) {
                assertThat(property.path("defaultValue").isNumber())
                        .as(property.get("name").asString())
                        .isTrue();
            }
        }
    }
}
