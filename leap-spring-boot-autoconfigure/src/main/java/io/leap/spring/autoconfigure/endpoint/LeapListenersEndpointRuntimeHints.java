package io.leap.spring.autoconfigure.endpoint;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.util.ClassUtils;

/**
 * Runtime hints of the {@code leaplisteners} Actuator endpoint ({@link LeapListenersEndpoint}), for a GraalVM native
 * image or the JVM's AOT mode: its operation and its result types, serialized to JSON. Registered only when Actuator
 * is present. Listed in {@code META-INF/spring/aot.factories}.
 */
public class LeapListenersEndpointRuntimeHints implements RuntimeHintsRegistrar {

    static final String ENDPOINT_TYPE = "io.leap.spring.autoconfigure.endpoint.LeapListenersEndpoint";

    static final String[] ENDPOINT_RESULT_TYPES = {
        "io.leap.spring.autoconfigure.endpoint.LeapListenersEndpoint$ListenersDescriptor",
        "io.leap.spring.autoconfigure.endpoint.LeapListenersEndpoint$ListenerDescriptor",
        "io.leap.spring.autoconfigure.endpoint.LeapListenersEndpoint$ChannelDescriptor",
        "io.leap.spring.listener.LeapListenerStats"
    };

    private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        if (ClassUtils.isPresent(ENDPOINT_TYPE, classLoader)
                && ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint", classLoader)) {
            hints.reflection().registerType(TypeReference.of(ENDPOINT_TYPE), MemberCategory.INVOKE_PUBLIC_METHODS);
            for (String type : ENDPOINT_RESULT_TYPES) {
                this.bindingRegistrar.registerReflectionHints(
                        hints.reflection(), ClassUtils.resolveClassName(type, classLoader));
            }
        }
    }
}
