package io.leap.spring.event;

import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapClient;
import io.leap.client.ListenerOptions;
import io.leap.client.ListenerRegistration;
import io.leap.spring.internal.LifecycleSupport;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.GenericApplicationListenerAdapter;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.ResolvableType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes every Leap message ({@link LeapMessageEvent}), channel event ({@link LeapChannelEvent}) and connection
 * state change ({@link LeapConnectionStateChangedEvent}) as a Spring application event.
 *
 * <p>The bridge registers its client listeners when it is created, before the client connects, so no event is missed.
 * Each is one client listener registration: its bounded buffer is the only one between the socket and the
 * {@code @EventListener} methods, and events are published on the client's delivery executor (with the
 * auto-configuration the {@code leapTaskExecutor} bean), each kind in socket order; use {@code @Async} listeners for
 * slow work. An exception thrown by an {@code @EventListener} is counted and logged by the client and does not stop
 * delivery of later events.
 *
 * <p>With {@link #setMessageEventsWanted} the bridge can skip message events that no listener takes (the
 * auto-configuration does, see {@link #hasListener}): an application that uses only {@code @LeapListener} methods then
 * pays no second hand-off per message.
 *
 * <p>On shutdown ({@link #stop(Runnable)}, at a phase above the web server's, by default
 * {@code Integer.MAX_VALUE - 100}) the bridge stops taking new events, delivers the events that the client had already
 * taken off the socket and buffered for it ({@link ListenerRegistration#drain(Duration)}), waits at most the shutdown
 * timeout for that, then removes its listeners and runs the callback. A later {@link #start()} registers them again.
 */
public class LeapApplicationEventBridge implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(LeapApplicationEventBridge.class);

    private final LeapClient client;

    private final ApplicationEventPublisher publisher;

    private final JsonMapper jsonMapper;

    private final ListenerOptions options;

    private final int phase;

    private final Duration shutdownTimeout;

    private final Object monitor = new Object();

    /** The bridge's three client listener registrations, by what they carry; {@code null} while stopped. */
    private Map<String, ListenerRegistration> registrations;

    private volatile boolean running;

    private volatile Predicate<ConnectionStateChange> willReconnect = ConnectionStateChange::willReconnect;

    private volatile BooleanSupplier messageEventsWanted = () -> true;

    /**
     * Create a bridge and register its listeners with the client.
     * @param client the client
     * @param publisher where to publish the events (the application context)
     * @param jsonMapper the mapper {@link LeapMessageEvent#getData(Class)} uses
     * @param options buffer size and overflow policy of the bridge's client listeners
     * @param phase the lifecycle phase
     * @param shutdownTimeout how long {@link #stop(Runnable)} may take to deliver buffered events
     */
    public LeapApplicationEventBridge(
            LeapClient client,
            ApplicationEventPublisher publisher,
            JsonMapper jsonMapper,
            ListenerOptions options,
            int phase,
            Duration shutdownTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
        this.options = Objects.requireNonNull(options, "options");
        this.phase = phase;
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        register();
    }

    /**
     * Set what {@link LeapConnectionStateChangedEvent#isWillReconnect()} reports; by default the client's own
     * {@link ConnectionStateChange#willReconnect()}. The auto-configuration uses
     * {@code LeapClientLifecycle::willReconnect}, as the health indicator does, so that both agree.
     * @param willReconnect whether another connection attempt follows a change
     */
    public void setWillReconnect(Predicate<ConnectionStateChange> willReconnect) {
        this.willReconnect = Objects.requireNonNull(willReconnect, "willReconnect");
    }

    /**
     * Set what decides, on each {@link #start()}, whether {@link LeapMessageEvent}s are published: when it answers
     * {@code false} the bridge removes its message registration, so that no message is handed to a delivery thread
     * only to be published to nobody (the channel-event and state-change registrations stay). By default they are
     * always published. The auto-configuration passes {@link #hasListener} for {@code LeapMessageEvent} unless
     * {@code leap.events.skip-unobserved-messages=false}.
     * @param wanted asked on each start
     */
    public void setMessageEventsWanted(BooleanSupplier wanted) {
        this.messageEventsWanted = Objects.requireNonNull(wanted, "wanted");
    }

    /**
     * Whether an application listener of the context or of one of its parents (events published to a context reach
     * its parents too) takes events of the given type: an {@code @EventListener} method or {@link ApplicationListener}
     * whose declared event type is the type or a supertype of it. A listener bean that is not created yet is judged by
     * its declared type; one whose interest cannot be told without creating it counts as a listener. For a context that
     * is not an {@link AbstractApplicationContext}, which cannot list its listeners, the answer is {@code true}.
     * @param context the context the events are published to
     * @param eventType the event type
     * @return {@code false} only if no listener takes such events
     */
    public static boolean hasListener(ApplicationContext context, Class<? extends ApplicationEvent> eventType) {
        ResolvableType type = ResolvableType.forClass(eventType);
        for (ApplicationContext c = context; c != null; c = c.getParent()) {
            if (!(c instanceof AbstractApplicationContext abstractContext)) {
                return true;
            }
            ConfigurableListableBeanFactory beanFactory = abstractContext.getBeanFactory();
            // As Spring's multicaster does: a listener bean whose definition declares another event type (a lambda
            // returned by a @Bean method, say) does not take these events, whatever its instance says.
            Set<Object> ruledOut = Collections.newSetFromMap(new IdentityHashMap<>());
            for (String name : beanFactory.getBeanNamesForType(ApplicationListener.class, true, false)) {
                ResolvableType declared = declaredEventType(beanFactory, name);
                if (declared != null && !declared.isAssignableFrom(type)) {
                    if (beanFactory.containsSingleton(name)) {
                        ruledOut.add(beanFactory.getSingleton(name));
                    }
                    continue;
                }
                if (beanFactory.containsSingleton(name)) {
                    if (beanFactory.getSingleton(name) instanceof ApplicationListener<?> listener
                            && new GenericApplicationListenerAdapter(listener).supportsEventType(type)) {
                        return true;
                    }
                    continue;
                }
                if (declared != null) {
                    // Not created yet, and its definition declares a type that takes these events.
                    return true;
                }
                // Not created yet: its class decides; one that decides at run time counts.
                Class<?> beanType = beanFactory.getType(name, false);
                if (beanType == null || SmartApplicationListener.class.isAssignableFrom(beanType)) {
                    return true;
                }
                ResolvableType byClass = ResolvableType.forClass(beanType)
                        .as(ApplicationListener.class)
                        .getGeneric();
                if (byClass.resolve() == null || byClass.isAssignableFrom(type)) {
                    return true;
                }
            }
            for (ApplicationListener<?> listener : abstractContext.getApplicationListeners()) {
                if (!ruledOut.contains(listener)
                        && new GenericApplicationListenerAdapter(listener).supportsEventType(type)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The event type a listener bean's definition declares (its factory method's generics), or {@code null}. */
    private static @Nullable ResolvableType declaredEventType(
            ConfigurableListableBeanFactory beanFactory, String name) {
        if (!beanFactory.containsBeanDefinition(name)) {
            return null;
        }
        ResolvableType declared = beanFactory
                .getMergedBeanDefinition(name)
                .getResolvableType()
                .as(ApplicationListener.class)
                .getGeneric();
        return declared.resolve() != null ? declared : null;
    }

    private void register() {
        synchronized (this.monitor) {
            if (this.registrations != null) {
                return;
            }
            Map<String, ListenerRegistration> created = new LinkedHashMap<>();
            created.put(
                    "messages",
                    this.client.addMessageListener(
                            (message) -> this.publisher.publishEvent(
                                    new LeapMessageEvent(this.client, message, this.jsonMapper)),
                            this.options.withName("leap-application-events")));
            created.put(
                    "channel events",
                    this.client.addChannelEventListener(
                            (event) -> this.publisher.publishEvent(new LeapChannelEvent<>(this.client, event)),
                            this.options.withName("leap-application-channel-events")));
            created.put(
                    "connection state changes",
                    this.client.addConnectionStateListener(
                            (change) -> this.publisher.publishEvent(new LeapConnectionStateChangedEvent(
                                    this.client, change, this.willReconnect.test(change)))));
            this.registrations = created;
        }
    }

    @Override
    public void start() {
        register();
        if (!this.messageEventsWanted.getAsBoolean()) {
            ListenerRegistration messages;
            synchronized (this.monitor) {
                messages = (this.registrations != null) ? this.registrations.remove("messages") : null;
            }
            if (messages != null) {
                messages.close();
                logger.debug("No application listener takes LeapMessageEvent: Leap messages are not published as "
                        + "ApplicationEvents (leap.events.skip-unobserved-messages)");
            }
        }
        this.running = true;
    }

    @Override
    public void stop() {
        LifecycleSupport.stopAndWait(this::stop);
    }

    @Override
    public void stop(Runnable callback) {
        List<Map.Entry<String, ListenerRegistration>> toDrain;
        synchronized (this.monitor) {
            this.running = false;
            if (this.registrations == null) {
                callback.run();
                return;
            }
            toDrain = List.copyOf(this.registrations.entrySet());
            this.registrations = null;
        }
        // Each registration stops taking events when its drain begins and delivers what it had buffered; the client
        // removes it afterwards (or at the deadline, discarding the rest).
        LifecycleSupport.drainInParallel(
                "leap-events-shutdown",
                toDrain,
                this.shutdownTimeout,
                (entry, deadline) ->
                        entry.getValue().drain(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()))),
                (entry) -> logger.warn("Not every Leap " + entry.getKey() + " received before shutdown was delivered "
                        + "within " + this.shutdownTimeout + " (leap.events.shutdown-timeout)"),
                () -> toDrain.forEach((entry) -> entry.getValue().close()),
                callback);
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return this.phase;
    }
}
