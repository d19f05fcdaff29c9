package io.leap.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when a JSR-356 client implementation ({@code jakarta.websocket.ContainerProvider} service) is on the
 * classpath, so that {@code ContainerProvider.getWebSocketContainer()} can succeed.
 */
class OnWebSocketContainerCondition extends SpringBootCondition {

    static final String SERVICE_RESOURCE = "META-INF/services/jakarta.websocket.ContainerProvider";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ClassLoader classLoader = context.getClassLoader();
        if (classLoader != null && classLoader.getResource(SERVICE_RESOURCE) != null) {
            return ConditionOutcome.match("found JSR-356 WebSocket container provider " + SERVICE_RESOURCE);
        }
        return ConditionOutcome.noMatch("no JSR-356 WebSocket container provider (" + SERVICE_RESOURCE + ")");
    }
}
