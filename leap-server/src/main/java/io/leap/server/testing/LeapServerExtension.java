package io.leap.server.testing;

import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs an embedded {@link LeapServer} for a test class or for each test.
 *
 * <p>Registered on a {@code static} field, one server serves every test of the class; on an instance field, each test
 * gets a fresh server. Test and lifecycle methods can also take the {@code LeapServer} as a parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LeapServerExtension leap = LeapServerExtension.create()
 *         .channel("orders", ChannelType.PUBLIC);
 *
 * @Test
 * void receivesOrders(LeapServer server) {
 *     String token = server.createToken(Map.of());
 *     try (LeapClient client = LeapClient.builder(server.projectId()).token(token).url(server.wsUrl()).build()) {
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>This class needs {@code org.junit.jupiter:junit-jupiter-api} on the test classpath; {@code leap-server} declares
 * it as an optional dependency.
 */
public final class LeapServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final Map<String, ChannelType> channels = new LinkedHashMap<>();
    private Consumer<LeapServer.Builder> customizer = builder -> {};
    private LeapServer server;
    private boolean perClass;

    private LeapServerExtension() {}

    /**
     * Creates an extension whose server listens on a free port of the loopback interface.
     *
     * @return a new extension
     */
    public static LeapServerExtension create() {
        return new LeapServerExtension();
    }

    /**
     * Creates this channel, with an empty state, every time the server starts.
     *
     * @param id   the channel id
     * @param type its type
     * @return this extension
     */
    public LeapServerExtension channel(String id, ChannelType type) {
        channels.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(type, "type"));
        return this;
    }

    /**
     * Adjusts the server's builder (port, heartbeat interval, TLS, fault injection settings...) before each start.
     *
     * @param customizer called with the builder
     * @return this extension
     */
    public LeapServerExtension configure(Consumer<LeapServer.Builder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    /**
     * Returns the running server.
     *
     * @return the server
     * @throws IllegalStateException outside a test or lifecycle method of the test class
     */
    public LeapServer server() {
        if (server == null) {
            throw new IllegalStateException("The Leap server runs only while the tests of its class run");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Called only for an extension registered on a static field: one server for the class.
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LeapServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server();
    }

    private void start() {
        LeapServer.Builder builder = LeapServer.builder().port(0);
        customizer.accept(builder);
        LeapServer started = builder.build().start();
        try {
            channels.forEach((id, type) -> started.createChannel(id, type, null));
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        server = started;
    }

    private void stop() {
        LeapServer running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public String toString() {
        return "LeapServerExtension" + (server != null ? "[" + server.wsUrl() + "]" : "[stopped]");
    }
}
