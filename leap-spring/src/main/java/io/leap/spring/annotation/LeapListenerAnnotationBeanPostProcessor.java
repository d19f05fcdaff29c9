package io.leap.spring.annotation;

import io.leap.client.LeapClient;
import io.leap.client.OverflowPolicy;
import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistrar;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.listener.DefaultLeapListenerContainer;
import io.leap.spring.listener.LeapListenerContainer;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.listener.LeapListenerInvoker;
import io.leap.spring.listener.LoggingLeapListenerErrorHandler;
import io.leap.spring.support.LeapHandlerMethodFactories;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.StringUtils;
import org.springframework.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds {@link LeapListener} methods on singleton beans (on the AOP target class, through proxies) and registers one
 * {@link LeapListenerContainer} per annotation with the {@link LeapListenerEndpointRegistry}.
 *
 * <p>Like spring-kafka's post-processor it only collects methods while beans are initialised; endpoints are created in
 * {@link #afterSingletonsInstantiated()}, after every {@link LeapListenerConfigurer} has adjusted the
 * {@link LeapListenerEndpointRegistrar}. Attributes are resolved then: placeholders, SpEL, defaults, validation (a bad
 * attribute fails startup with a message naming the method). Beans created after that point (lazy or prototype beans)
 * are not scanned.
 */
public class LeapListenerAnnotationBeanPostProcessor
        implements BeanPostProcessor, Ordered, BeanFactoryAware, SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(LeapListenerAnnotationBeanPostProcessor.class);

    private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

    private final List<Candidate> candidates = Collections.synchronizedList(new ArrayList<>());

    private @Nullable ConfigurableListableBeanFactory beanFactory;

    private @Nullable BeanExpressionContext expressionContext;

    private boolean processed;

    @Override
    public int getOrder() {
        return LOWEST_PRECEDENCE;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        if (!(beanFactory instanceof ConfigurableListableBeanFactory configurable)) {
            throw new IllegalStateException("@LeapListener needs a ConfigurableListableBeanFactory");
        }
        this.beanFactory = configurable;
        this.expressionContext = new BeanExpressionContext(configurable, null);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof LeapListenerEndpointRegistry || bean instanceof LeapClient) {
            return bean;
        }
        Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
        if (this.nonAnnotatedClasses.contains(targetClass)) {
            return bean;
        }
        if (!AnnotationUtils.isCandidateClass(targetClass, List.of(LeapListener.class, LeapListeners.class))) {
            this.nonAnnotatedClasses.add(targetClass);
            return bean;
        }
        Map<Method, Set<LeapListener>> annotated = MethodIntrospector.selectMethods(
                targetClass, (MethodIntrospector.MetadataLookup<Set<LeapListener>>) (method) -> {
                    Set<LeapListener> found = AnnotatedElementUtils.findMergedRepeatableAnnotations(
                            method, LeapListener.class, LeapListeners.class);
                    return found.isEmpty() ? null : found;
                });
        if (annotated.isEmpty()) {
            this.nonAnnotatedClasses.add(targetClass);
            return bean;
        }
        annotated.forEach((method, annotations) -> {
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            SendTo sendTo = AnnotatedElementUtils.findMergedAnnotation(method, SendTo.class);
            if (sendTo == null) {
                sendTo = AnnotatedElementUtils.findMergedAnnotation(targetClass, SendTo.class);
            }
            for (LeapListener annotation : annotations) {
                this.candidates.add(new Candidate(bean, beanName, method, invocable, annotation, sendTo));
            }
        });
        return bean;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ConfigurableListableBeanFactory factory = beanFactory();
        List<Candidate> found;
        synchronized (this.candidates) {
            if (this.processed) {
                return;
            }
            this.processed = true;
            found = new ArrayList<>(this.candidates);
            this.candidates.clear();
        }
        LeapListenerEndpointRegistrar registrar = new LeapListenerEndpointRegistrar();
        List<LeapListenerConfigurer> configurers =
                new ArrayList<>(factory.getBeansOfType(LeapListenerConfigurer.class, false, false)
                        .values());
        AnnotationAwareOrderComparator.sort(configurers);
        configurers.forEach((configurer) -> configurer.configureLeapListeners(registrar));
        if (found.isEmpty()) {
            return;
        }
        LeapListenerEndpointRegistry registry = factory.getBean(
                LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME, LeapListenerEndpointRegistry.class);
        LeapClient client = registrar.getClient();
        if (client == null) {
            client = factory.getBeanProvider(LeapClient.class).getIfUnique();
        }
        if (client == null) {
            throw new IllegalStateException("@LeapListener methods found (" + describe(found.get(0).method)
                    + ", ...) but no unique LeapClient bean: define one, or set it with a LeapListenerConfigurer");
        }
        MessageHandlerMethodFactory methodFactory = handlerMethodFactory(registrar, factory);
        LeapListenerErrorHandler defaultErrorHandler = defaultErrorHandler(registrar, factory);
        registry.initialize(client, registrar);
        Set<String> usedIds = new HashSet<>(registry.getListenerContainerIds());
        LeapClient theClient = client;
        for (Candidate candidate : found) {
            Endpoint endpoint = resolve(candidate, registrar, usedIds);
            InvocableHandlerMethod handlerMethod =
                    methodFactory.createInvocableHandlerMethod(candidate.bean, candidate.invocable);
            LeapListenerErrorHandler errorHandler = (endpoint.errorHandlerBean != null)
                    ? factory.getBean(endpoint.errorHandlerBean, LeapListenerErrorHandler.class)
                    : defaultErrorHandler;
            LeapListenerInvoker invoker = new LeapListenerInvoker(
                    endpoint.id,
                    handlerMethod,
                    errorHandler,
                    endpoint.replyChannels,
                    endpoint.replyEvent,
                    () -> theClient,
                    registrar.getObservationRegistry(),
                    registrar.getObservationConvention());
            DefaultLeapListenerContainer container = new DefaultLeapListenerContainer(
                    endpoint.id,
                    endpoint.channels,
                    endpoint.events,
                    endpoint.directMessages,
                    endpoint.bufferSize,
                    endpoint.overflowPolicy,
                    endpoint.autoStartup,
                    invoker,
                    () -> theClient,
                    registry.shutdownTimeout());
            registry.register(container, endpoint.replyChannels);
            if (logger.isDebugEnabled()) {
                logger.debug("Registered Leap listener '" + endpoint.id + "' on " + describe(candidate.method)
                        + ": channels " + endpoint.channels + ", events " + endpoint.events + ", direct messages "
                        + endpoint.directMessages);
            }
        }
        registry.attach();
    }

    private MessageHandlerMethodFactory handlerMethodFactory(
            LeapListenerEndpointRegistrar registrar, ConfigurableListableBeanFactory factory) {
        MessageHandlerMethodFactory configured = registrar.getMessageHandlerMethodFactory();
        if (configured != null) {
            return configured;
        }
        if (factory.containsBean(LeapListenerConfigUtils.LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME)) {
            return factory.getBean(
                    LeapListenerConfigUtils.LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME, MessageHandlerMethodFactory.class);
        }
        JsonMapper jsonMapper = factory.getBeanProvider(JsonMapper.class)
                .getIfUnique(() -> JsonMapper.builder().build());
        Validator validator = factory.getBeanProvider(Validator.class).getIfUnique();
        return LeapHandlerMethodFactories.create(jsonMapper, validator, factory);
    }

    private static LeapListenerErrorHandler defaultErrorHandler(
            LeapListenerEndpointRegistrar registrar, ListableBeanFactory factory) {
        LeapListenerErrorHandler configured = registrar.getErrorHandler();
        if (configured != null) {
            return configured;
        }
        if (factory.containsBean(LeapListenerConfigUtils.LEAP_LISTENER_ERROR_HANDLER_BEAN_NAME)) {
            return factory.getBean(
                    LeapListenerConfigUtils.LEAP_LISTENER_ERROR_HANDLER_BEAN_NAME, LeapListenerErrorHandler.class);
        }
        return factory.getBeanProvider(LeapListenerErrorHandler.class)
                .getIfUnique(LoggingLeapListenerErrorHandler::new);
    }

    private Endpoint resolve(Candidate candidate, LeapListenerEndpointRegistrar registrar, Set<String> usedIds) {
        LeapListener annotation = candidate.annotation;
        String where = describe(candidate.method);
        try {
            String id = resolveString(annotation.id());
            if (StringUtils.hasText(id)) {
                if (!usedIds.add(id)) {
                    throw new IllegalStateException("the id '" + id + "' is already used by another @LeapListener");
                }
            } else {
                String base = candidate.beanName + "." + candidate.method.getName();
                id = base;
                for (int n = 2; !usedIds.add(id); n++) {
                    id = base + "#" + n;
                }
            }
            Set<String> channels = resolveNames(annotation.channels(), "channels");
            Set<String> events = resolveNames(annotation.events(), "events");
            boolean direct = resolveBoolean(annotation.directMessages(), "directMessages", false);
            if (channels.isEmpty() && !direct) {
                throw new IllegalStateException("name at least one channel, or set directMessages = \"true\"");
            }
            int bufferSize = registrar.getDefaultBufferSize();
            Object size = resolveExpression(annotation.bufferSize());
            if (size != null && StringUtils.hasText(size.toString())) {
                bufferSize = parseBufferSize(size);
            }
            OverflowPolicy policy = registrar.getDefaultOverflowPolicy();
            Object policyValue = resolveExpression(annotation.overflowPolicy());
            if (policyValue instanceof OverflowPolicy resolvedPolicy) {
                policy = resolvedPolicy;
            } else if (policyValue != null && StringUtils.hasText(policyValue.toString())) {
                policy = parsePolicy(policyValue.toString());
            }
            boolean autoStartup = resolveBoolean(annotation.autoStartup(), "autoStartup", registrar.isAutoStartup());
            List<String> replyChannels = List.of();
            String replyEvent = null;
            if (candidate.sendTo != null) {
                replyChannels = List.copyOf(resolveNames(candidate.sendTo.value(), "@SendTo"));
                if (replyChannels.isEmpty()) {
                    throw new IllegalStateException("@SendTo must name the channel to publish the return value to");
                }
                String resolvedReplyEvent = resolveString(annotation.replyEvent());
                replyEvent = StringUtils.hasText(resolvedReplyEvent) ? resolvedReplyEvent : null;
                for (String replyChannel : replyChannels) {
                    boolean loops = channels.contains(replyChannel)
                            && (replyEvent == null || events.isEmpty() || events.contains(replyEvent));
                    if (loops) {
                        throw new IllegalStateException("@SendTo(\"" + replyChannel + "\") publishes the return value "
                                + "to a channel this listener receives, with an event it accepts: the server echoes "
                                + "it back, so the listener would call itself forever; set replyEvent to an event "
                                + "outside 'events', or publish to another channel");
                    }
                }
            } else if (StringUtils.hasText(annotation.replyEvent())) {
                throw new IllegalStateException("replyEvent is only used with @SendTo");
            }
            String errorHandler = resolveString(annotation.errorHandler());
            return new Endpoint(
                    id,
                    channels,
                    events,
                    direct,
                    bufferSize,
                    policy,
                    autoStartup,
                    replyChannels,
                    replyEvent,
                    StringUtils.hasText(errorHandler) ? errorHandler : null);
        } catch (RuntimeException ex) {
            throw new IllegalStateException("Invalid @LeapListener on " + where + ": " + ex.getMessage(), ex);
        }
    }

    private static int parseBufferSize(Object value) {
        int size;
        if (value instanceof Number number) {
            size = number.intValue();
        } else {
            try {
                size = Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("bufferSize '" + value + "' is not a number");
            }
        }
        if (size < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, was " + size);
        }
        return size;
    }

    private static OverflowPolicy parsePolicy(String value) {
        String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return OverflowPolicy.valueOf(normalized);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "overflowPolicy '" + value + "' is not one of " + Arrays.toString(OverflowPolicy.values()));
        }
    }

    private boolean resolveBoolean(String value, String attribute, boolean defaultValue) {
        Object resolved = resolveExpression(value);
        if (resolved instanceof Boolean bool) {
            return bool;
        }
        if (resolved == null || !StringUtils.hasText(resolved.toString())) {
            return defaultValue;
        }
        String text = resolved.toString().trim();
        if ("true".equalsIgnoreCase(text)) {
            return true;
        }
        if ("false".equalsIgnoreCase(text)) {
            return false;
        }
        throw new IllegalArgumentException(attribute + " must be true or false, was '" + text + "'");
    }

    private @Nullable String resolveString(String value) {
        Object resolved = resolveExpression(value);
        return (resolved != null) ? resolved.toString().trim() : null;
    }

    private Set<String> resolveNames(String[] values, String attribute) {
        Set<String> names = new LinkedHashSet<>();
        for (String value : values) {
            Object resolved = resolveExpression(value);
            addNames(resolved, names, attribute, value);
        }
        return names;
    }

    private static void addNames(@Nullable Object resolved, Set<String> names, String attribute, String source) {
        if (resolved == null) {
            throw new IllegalArgumentException(attribute + " entry '" + source + "' resolved to null");
        }
        if (resolved instanceof String text) {
            for (String part : StringUtils.commaDelimitedListToStringArray(text)) {
                String name = part.trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        } else if (resolved instanceof Object[] array) {
            for (Object element : array) {
                addNames(element, names, attribute, source);
            }
        } else if (resolved instanceof Collection<?> collection) {
            for (Object element : collection) {
                addNames(element, names, attribute, source);
            }
        } else {
            addNames(resolved.toString(), names, attribute, source);
        }
    }

    private @Nullable Object resolveExpression(String value) {
        ConfigurableBeanFactory factory = beanFactory();
        String resolved = factory.resolveEmbeddedValue(value);
        BeanExpressionResolver resolver = factory.getBeanExpressionResolver();
        if (resolver == null || resolved == null) {
            return resolved;
        }
        return resolver.evaluate(resolved, this.expressionContext);
    }

    private ConfigurableListableBeanFactory beanFactory() {
        if (this.beanFactory == null) {
            throw new IllegalStateException("BeanFactory not set");
        }
        return this.beanFactory;
    }

    private static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "()";
    }

    private record Candidate(
            Object bean,
            String beanName,
            Method method,
            Method invocable,
            LeapListener annotation,
            @Nullable SendTo sendTo) {}

    private record Endpoint(
            String id,
            Set<String> channels,
            Set<String> events,
            boolean directMessages,
            int bufferSize,
            OverflowPolicy overflowPolicy,
            boolean autoStartup,
            List<String> replyChannels,
            @Nullable String replyEvent,
            @Nullable String errorHandlerBean) {}
}
