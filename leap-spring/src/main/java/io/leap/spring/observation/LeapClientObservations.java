package io.leap.spring.observation;

import io.leap.client.LeapClient;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.ProxyFactory;

/**
 * Adds the {@code leap.client.publish} observation to a {@link LeapClient}: {@link #observe} returns a proxy of the
 * client whose {@link LeapClient#publish(String, String, Object)} and
 * {@link LeapClient#publishAsync(String, String, Object)} are observed; every other method goes straight to the
 * client. The Spring Boot auto-configuration applies it to the {@code LeapClient} bean when
 * {@code leap.observation-enabled=true}.
 *
 * <p>A blocking publish is observed until it returns; an asynchronous one from the call until its future completes
 * (the future returned is the client's own, so cancelling it behaves as before). The observation is current while
 * the client is called, so the publish of a {@code @SendTo} reply is a child of the {@code leap.listener}
 * observation.
 */
public final class LeapClientObservations {

    private LeapClientObservations() {}

    /**
     * Wrap a client so that its publishes are observed.
     * @param client the client
     * @param registry the registry to record observations with
     * @param convention the convention to use instead of {@link DefaultLeapPublishObservationConvention}, or
     * {@code null} for the default
     * @return a {@link LeapClient} that delegates to {@code client}
     */
    public static LeapClient observe(
            LeapClient client, ObservationRegistry registry, @Nullable LeapPublishObservationConvention convention) {
        Objects.requireNonNull(client, "client");
        // Only LeapClient (whatever else the client's class implements): the proxy's interfaces are then those that
        // LeapRuntimeHints registers for a native image.
        ProxyFactory factory = new ProxyFactory();
        factory.setTarget(client);
        factory.setInterfaces(LeapClient.class);
        factory.addAdvice(new PublishInterceptor(Objects.requireNonNull(registry, "registry"), convention));
        return (LeapClient) factory.getProxy(LeapClientObservations.class.getClassLoader());
    }

    /** Observes {@code publish} and {@code publishAsync}; lets every other call through. */
    private static final class PublishInterceptor implements MethodInterceptor {

        private final ObservationRegistry registry;

        private final @Nullable LeapPublishObservationConvention convention;

        PublishInterceptor(ObservationRegistry registry, @Nullable LeapPublishObservationConvention convention) {
            this.registry = registry;
            this.convention = convention;
        }

        @Override
        public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
            Method method = invocation.getMethod();
            boolean blocking = isPublish(method, "publish");
            boolean async = !blocking && isPublish(method, "publishAsync");
            Object[] arguments = invocation.getArguments();
            if ((!blocking && !async)
                    || !(arguments[0] instanceof String channelId)
                    || !(arguments[1] instanceof String event)) {
                // Not a publish, or invalid arguments that the client refuses itself.
                return invocation.proceed();
            }
            Observation observation = LeapPublishObservation.PUBLISH_OBSERVATION.observation(
                    this.convention,
                    DefaultLeapPublishObservationConvention.INSTANCE,
                    () -> new LeapPublishSenderContext(channelId, event),
                    this.registry);
            observation.start();
            Object result;
            try (Observation.Scope scope = observation.openScope()) {
                result = invocation.proceed();
            } catch (Throwable ex) {
                observation.error(ex);
                observation.stop();
                throw ex;
            }
            if (async && result instanceof CompletableFuture<?> future) {
                future.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        observation.error(LeapObservationSupport.unwrap(failure));
                    }
                    observation.stop();
                });
            } else {
                observation.stop();
            }
            return result;
        }

        private static boolean isPublish(Method method, String name) {
            Class<?>[] types = method.getParameterTypes();
            return method.getName().equals(name)
                    && types.length == 3
                    && types[0] == String.class
                    && types[1] == String.class
                    && types[2] == Object.class;
        }
    }
}
