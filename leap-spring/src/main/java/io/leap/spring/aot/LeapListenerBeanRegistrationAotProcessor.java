package io.leap.spring.aot;

import io.leap.client.LeapMessage;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.annotation.LeapListeners;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.aot.BeanRegistrationCode;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.util.ClassUtils;

/**
 * Contributes the runtime hints a bean's {@code @LeapListener} methods need ahead of time, as spring-kafka's
 * processors do for {@code @KafkaListener}: the methods themselves (invoked reflectively), the types their payloads
 * are converted to from JSON, and the return types of {@code @SendTo} methods (converted to JSON). Parameters that
 * receive Leap metadata ({@code @Header}, {@code @Headers}, {@link LeapMessage}, {@link Message},
 * {@link MessageHeaders}) and raw payloads ({@code String}, {@code byte[]}) need no binding hints. Listed in
 * {@code META-INF/spring/aot.factories}.
 */
public class LeapListenerBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

    // @LeapListener methods are only detected with spring-messaging (an optional dependency) present.
    private static final boolean MESSAGING_PRESENT = ClassUtils.isPresent(
            "org.springframework.messaging.handler.annotation.SendTo",
            LeapListenerBeanRegistrationAotProcessor.class.getClassLoader());

    @Override
    public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
        if (!MESSAGING_PRESENT) {
            return null;
        }
        return Introspector.contribution(registeredBean.getBeanClass());
    }

    /**
     * The {@code @LeapListener} methods of a class, each with whether it (or its class) carries {@code @SendTo}.
     * @param type the bean class
     * @return the methods, in declaration order
     */
    static Map<Method, Boolean> listenerMethods(Class<?> type) {
        return Introspector.listenerMethods(type);
    }

    /**
     * The generic types that are bound from or to JSON for one listener method.
     * @param method the method
     * @param sendTo whether its return value is published
     * @return the types
     */
    static Set<Type> bindingTypes(Method method, boolean sendTo) {
        return Introspector.bindingTypes(method, sendTo);
    }

    /**
     * Everything that touches spring-messaging types, loaded only when it is present.
     */
    private static final class Introspector {

        private static final Set<Class<?>> NO_BINDING = Set.of(
                String.class, byte[].class, LeapMessage.class, Message.class, MessageHeaders.class, Object.class);

        static @Nullable BeanRegistrationAotContribution contribution(Class<?> beanClass) {
            Map<Method, Boolean> methods = listenerMethods(beanClass);
            return methods.isEmpty() ? null : new Contribution(methods);
        }

        /**
         * The {@code @LeapListener} methods of a class, each with whether it (or its class) carries {@code @SendTo}.
         * @param type the bean class
         * @return the methods, in declaration order
         */
        static Map<Method, Boolean> listenerMethods(Class<?> type) {
            if (!AnnotationUtils.isCandidateClass(type, List.of(LeapListener.class, LeapListeners.class))) {
                return Map.of();
            }
            Map<Method, Set<LeapListener>> annotated = MethodIntrospector.selectMethods(
                    type, (MethodIntrospector.MetadataLookup<Set<LeapListener>>) (method) -> {
                        Set<LeapListener> found = AnnotatedElementUtils.findMergedRepeatableAnnotations(
                                method, LeapListener.class, LeapListeners.class);
                        return found.isEmpty() ? null : found;
                    });
            boolean classSendTo = AnnotatedElementUtils.hasAnnotation(type, SendTo.class);
            Map<Method, Boolean> methods = new LinkedHashMap<>();
            annotated
                    .keySet()
                    .forEach((method) -> methods.put(
                            method, classSendTo || AnnotatedElementUtils.hasAnnotation(method, SendTo.class)));
            return methods;
        }

        /**
         * The generic types that are bound from or to JSON for one listener method.
         * @param method the method
         * @param sendTo whether its return value is published
         * @return the types
         */
        static Set<Type> bindingTypes(Method method, boolean sendTo) {
            Set<Type> types = new LinkedHashSet<>();
            for (int i = 0; i < method.getParameterCount(); i++) {
                Parameter parameter = method.getParameters()[i];
                if (parameter.isAnnotationPresent(Header.class) || parameter.isAnnotationPresent(Headers.class)) {
                    continue;
                }
                MethodParameter methodParameter = new MethodParameter(method, i);
                Class<?> raw = methodParameter.getParameterType();
                if (Message.class.isAssignableFrom(raw)) {
                    // Message<T>: T is the payload type.
                    addBindable(
                            types,
                            typeOf(ResolvableType.forMethodParameter(methodParameter)
                                    .as(Message.class)
                                    .getGeneric(0)));
                } else if (!isMetadata(raw)) {
                    addBindable(types, methodParameter.getGenericParameterType());
                }
            }
            if (sendTo && method.getReturnType() != void.class) {
                ResolvableType returned = ResolvableType.forMethodReturnType(method);
                if (CompletionStage.class.isAssignableFrom(returned.toClass())) {
                    returned = returned.as(CompletionStage.class).getGeneric(0);
                }
                addBindable(types, typeOf(returned));
            }
            return types;
        }

        private static @Nullable Type typeOf(ResolvableType type) {
            // A generic resolved through as(...) may still be the declared type variable: use what it resolves to.
            Type declared = type.getType();
            return (declared instanceof TypeVariable<?> || declared instanceof WildcardType)
                    ? type.resolve()
                    : declared;
        }

        private static boolean isMetadata(Class<?> type) {
            return NO_BINDING.contains(type)
                    || MessageHeaders.class.isAssignableFrom(type)
                    || LeapMessage.class.isAssignableFrom(type);
        }

        private static void addBindable(Set<Type> types, @Nullable Type type) {
            if (type == null) {
                return;
            }
            Class<?> raw = ResolvableType.forType(type).toClass();
            if (raw == Object.class || raw == Void.class || isMetadata(raw)) {
                return;
            }
            types.add(type);
        }
    }

    private static final class Contribution implements BeanRegistrationAotContribution {

        private final Map<Method, Boolean> methods;

        private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

        Contribution(Map<Method, Boolean> methods) {
            this.methods = methods;
        }

        @Override
        public void applyTo(GenerationContext generationContext, BeanRegistrationCode beanRegistrationCode) {
            RuntimeHints hints = generationContext.getRuntimeHints();
            this.methods.forEach((method, sendTo) -> {
                hints.reflection().registerMethod(method, ExecutableMode.INVOKE);
                for (Type type : bindingTypes(method, sendTo)) {
                    this.bindingRegistrar.registerReflectionHints(hints.reflection(), type);
                }
            });
        }
    }
}
