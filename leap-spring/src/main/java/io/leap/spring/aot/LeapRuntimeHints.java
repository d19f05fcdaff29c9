package io.leap.spring.aot;

import io.leap.client.LeapClient;
import io.leap.spring.event.LeapChannelEvent;
import io.leap.spring.event.LeapConnectionStateChangedEvent;
import io.leap.spring.event.LeapMessageEvent;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.util.ClassUtils;

/**
 * Runtime hints of the Leap Spring layer that do not depend on the application, for a GraalVM native image or the
 * JVM's AOT mode. Listed in {@code META-INF/spring/aot.factories}.
 *
 * <ul>
 * <li>the ApplicationEvents ({@link LeapMessageEvent}, {@link LeapChannelEvent},
 * {@link LeapConnectionStateChangedEvent}): their public methods, which {@code @EventListener(condition = "...")} SpEL
 * expressions call reflectively;</li>
 * <li>the {@code @LeapListener}/{@code @LeapListeners}/{@code @EnableLeap} annotations, read through merged (and, when
 * used as meta-annotations, synthesized) annotations;</li>
 * <li>the JDK proxy of {@code LeapClient} that {@code LeapClientObservations} creates for the
 * {@code leap.client.publish} observation.</li>
 * </ul>
 *
 * <p>The payload types of {@code @LeapListener} methods and the return types of {@code @SendTo} ones belong to the
 * application; {@link LeapListenerBeanRegistrationAotProcessor} contributes their hints.
 */
public class LeapRuntimeHints implements RuntimeHintsRegistrar {

    static final String[] EVENT_TYPES = {
        LeapMessageEvent.class.getName(),
        LeapChannelEvent.class.getName(),
        LeapConnectionStateChangedEvent.class.getName()
    };

    static final String[] ANNOTATION_TYPES = {
        "io.leap.spring.annotation.LeapListener",
        "io.leap.spring.annotation.LeapListeners",
        "io.leap.spring.annotation.EnableLeap"
    };

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        for (String type : EVENT_TYPES) {
            hints.reflection().registerType(TypeReference.of(type), MemberCategory.INVOKE_PUBLIC_METHODS);
        }
        for (String type : ANNOTATION_TYPES) {
            if (ClassUtils.isPresent(type, classLoader)) {
                hints.reflection().registerType(TypeReference.of(type), MemberCategory.INVOKE_DECLARED_METHODS);
            }
        }
        if (ClassUtils.isPresent("io.leap.spring.annotation.LeapListener", classLoader)) {
            // @LeapListener on a composed annotation is synthesized as a JDK proxy.
            hints.proxies().registerJdkProxy(TypeReference.of("io.leap.spring.annotation.LeapListener"));
        }
        // The observed LeapClient of leap.observation-enabled (io.leap.spring.observation.LeapClientObservations).
        hints.proxies().registerJdkProxy(AopProxyUtils.completeJdkProxyInterfaces(LeapClient.class));
    }
}
