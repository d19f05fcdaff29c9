package io.leap.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.aot.DisabledInAotMode;

/**
 * Runs the application context of a Spring test against an in-process Leap server, as {@code @EmbeddedKafka} does
 * for Kafka.
 *
 * <p>The annotation switches on the starter's embedded mode ({@code leap.embedded.enabled=true}, with precedence over
 * the application's own properties): a {@code LeapServer} bean starts on a free port, the listed channels are created,
 * a Leap token with the given state is created for the application, and the client and {@code LeapTemplate} are
 * pointed at the server, so no {@code leap.project-id}, {@code leap.token} or {@code leap.api.*} is needed. Inject the
 * {@code LeapServer} to publish from and assert on, and the {@link LeapMessageRecorder} bean to await what the
 * application's client received:
 *
 * <pre>{@code
 * @SpringBootTest(properties = "leap.channels=orders")   // or a @LeapListener on the channel
 * @EmbeddedLeap(channels = "orders")
 * class OrdersTests {
 *
 *     @Autowired LeapServer leap;
 *     @Autowired LeapMessageRecorder messages;
 *
 *     @Test
 *     void receivesOrders() {
 *         leap.publish("orders", "order.created", Map.of("id", 1));
 *         Order order = messages.await("orders", "order.created", Order.class, Duration.ofSeconds(5));
 *         assertThat(order.id()).isEqualTo(1);
 *     }
 * }
 * }</pre>
 *
 * <p>Contexts with the same annotation values share one cached context (and server). In a test slice without
 * auto-configuration, add {@link AutoConfigureLeap}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@DisabledInAotMode
public @interface EmbeddedLeap {

    /**
     * Channels to create (type {@code public}, empty state) before the client connects. The channels of
     * {@code leap.channels} are created too.
     *
     * @return channel ids
     */
    String[] channels() default {};

    /**
     * The state of the Leap token created for the application's client, as a JSON object.
     *
     * @return a JSON object
     */
    String tokenState() default "{}";

    /**
     * The port of the embedded server; {@code 0} (the default) picks a free one.
     *
     * @return a port, or {@code 0}
     */
    int port() default 0;
}
