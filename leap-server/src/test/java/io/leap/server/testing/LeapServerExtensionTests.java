package io.leap.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeapServerExtensionTests {

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void serverIsUnavailableOutsideTheTestsOfItsClass() {
        assertThatThrownBy(() -> LeapServerExtension.create().server())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only while the tests of its class run");
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OneServerPerClass {

        @RegisterExtension
        static final LeapServerExtension leap = LeapServerExtension.create()
                .channel("orders", ChannelType.PUBLIC)
                .channel("audit", ChannelType.PRIVATE)
                .configure(builder -> builder.projectId("project_extension"));

        static final Set<Integer> ports = new HashSet<>();

        @AfterAll
        static void oneServerServedEveryTest() {
            assertThat(ports).hasSize(1);
            int port = ports.iterator().next();
            assertThat(accepts(port))
                    .as("still running until the extension's afterAll")
                    .isTrue();
        }

        @Test
        @Order(1)
        void startsWithTheChannelsAndTheBuilderSettings(LeapServer server) {
            assertThat(server).isSameAs(leap.server());
            assertThat(server.projectId()).isEqualTo("project_extension");
            assertThat(server.channelIds()).containsExactlyInAnyOrder("orders", "audit");
            assertThat(accepts(server.port())).isTrue();
            ports.add(server.port());
            server.createChannel("created-by-test-1", ChannelType.PUBLIC, null);
        }

        @Test
        @Order(2)
        void keepsTheSameServerAcrossTests(LeapServer server) {
            assertThat(server.channelIds()).contains("created-by-test-1");
            ports.add(server.port());
        }
    }

    @Nested
    class OneServerPerTest {

        static LeapServer previous;
        static int previousPort;

        @RegisterExtension
        final LeapServerExtension leap = LeapServerExtension.create().channel("orders", ChannelType.PUBLIC);

        @BeforeEach
        void theServerRunsBeforeEachTest(LeapServer server) {
            assertThat(accepts(server.port())).isTrue();
        }

        @Test
        void firstTest(LeapServer server) {
            checkFresh(server);
        }

        @Test
        void secondTest(LeapServer server) {
            checkFresh(server);
        }

        private void checkFresh(LeapServer server) {
            assertThat(server.channelIds()).containsExactly("orders");
            server.createChannel("leftover", ChannelType.PUBLIC, null);
            if (previous != null) {
                assertThat(server).isNotSameAs(previous);
                assertThat(accepts(previousPort))
                        .as("the previous test's server was closed")
                        .isFalse();
            }
            previous = server;
            previousPort = server.port();
        }
    }
}
