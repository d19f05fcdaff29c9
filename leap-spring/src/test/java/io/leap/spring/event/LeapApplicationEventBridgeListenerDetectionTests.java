package io.leap.spring.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;

/**
 * {@link LeapApplicationEventBridge#hasListener}: which listeners of a real context take {@link LeapMessageEvent}s.
 */
class LeapApplicationEventBridgeListenerDetectionTests {

    @Test
    void noListenerForMessages() {
        try (AnnotationConfigApplicationContext context = context(ChannelEventsOnly.class)) {
            assertThat(LeapApplicationEventBridge.hasListener(context, LeapMessageEvent.class))
                    .isFalse();
            assertThat(LeapApplicationEventBridge.hasListener(context, LeapChannelEvent.class))
                    .isTrue();
        }
    }

    @Test
    void anEventListenerMethodForMessagesOrASupertype() {
        try (AnnotationConfigApplicationContext context = context(MessageMethod.class)) {
            assertThat(LeapApplicationEventBridge.hasListener(context, LeapMessageEvent.class))
                    .isTrue();
        }
        try (AnnotationConfigApplicationContext context = context(AnyEventMethod.class)) {
            assertThat(LeapApplicationEventBridge.hasListener(context, LeapMessageEvent.class))
                    .isTrue();
        }
    }

    @Test
    void aLazyListenerBeanIsJudgedByItsTypeWithoutBeingCreated() {
        try (AnnotationConfigApplicationContext context = context(LazyMessageBean.class)) {
            assertThat(LeapApplicationEventBridge.hasListener(context, LeapMessageEvent.class))
                    .isTrue();
            assertThat(context.getBeanFactory().containsSingleton("lazyListener"))
                    .isFalse();
        }
    }

    @Test
    void aListenerAddedToTheContextOrItsParent() {
        try (AnnotationConfigApplicationContext parent = context(ChannelEventsOnly.class);
                AnnotationConfigApplicationContext child = new AnnotationConfigApplicationContext()) {
            child.setParent(parent);
            child.refresh();
            assertThat(LeapApplicationEventBridge.hasListener(child, LeapMessageEvent.class))
                    .isFalse();
            parent.addApplicationListener((ApplicationListener<LeapMessageEvent>) (event) -> {});
            assertThat(LeapApplicationEventBridge.hasListener(child, LeapMessageEvent.class))
                    .isTrue();
        }
    }

    private static AnnotationConfigApplicationContext context(Class<?> configuration) {
        return new AnnotationConfigApplicationContext(configuration);
    }

    @Configuration(proxyBeanMethods = false)
    static class ChannelEventsOnly {

        @Bean
        ApplicationListener<LeapChannelEvent<?>> channelEvents() {
            return (event) -> {};
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MessageMethod {

        @EventListener
        void on(LeapMessageEvent event) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class AnyEventMethod {

        @EventListener
        void on(ApplicationEvent event) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class LazyMessageBean {

        @Bean
        @Lazy
        MessageEvents lazyListener() {
            return new MessageEvents();
        }
    }

    static class MessageEvents implements ApplicationListener<LeapMessageEvent> {

        @Override
        public void onApplicationEvent(LeapMessageEvent event) {}
    }
}
