package io.leap.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.server.Permission;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerConfigTests {

    @Test
    void toStringShowsNoSecrets() {
        Duration s = Duration.ofSeconds(1);
        ServerConfig c = new ServerConfig(
                0,
                InetAddress.getLoopbackAddress(),
                "project_x",
                Map.of("ptk_secret_one", Set.of(Permission.values())),
                Set.of("pat_secret_two"),
                s,
                s,
                s,
                s,
                s,
                s,
                1024,
                1024,
                1024,
                1,
                null,
                false,
                4096,
                "redis://user:s3cr3t@redis.internal:6380/2",
                -1);
        assertThat(c.toString())
                .doesNotContain("ptk_secret_one", "pat_secret_two", "s3cr3t", "user:")
                .contains("project_x", "redis://***@redis.internal:6380/2");
    }
}
