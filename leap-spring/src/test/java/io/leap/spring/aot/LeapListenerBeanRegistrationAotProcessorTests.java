package io.leap.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapMessage;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.support.LeapHeaders;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * {@link LeapListenerBeanRegistrationAotProcessor}: the hints contributed for a bean's {@code @LeapListener}
 * methods, applied to a real {@link DefaultGenerationContext} and checked with {@link RuntimeHintsPredicates}.
 */
class LeapListenerBeanRegistrationAotProcessorTests {

    private final LeapListenerBeanRegistrationAotProcessor processor = new LeapListenerBeanRegistrationAotProcessor();

    @Test
    void payloadTypesOfListenerMethodsCanBeBound() throws NoSuchMethodException {
        RuntimeHints hints = process(OrderListener.class);
        assertBindable(hints, Order.class);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class.getMethod("product")))
                .accepts(hints);
        // List<Item> payload: the element type, and the record nested in it.
        assertBindable(hints, Item.class);
        assertBindable(hints, Sku.class);
        // Message<T>: T.
        assertBindable(hints, Refund.class);
        assertThat(RuntimeHintsPredicates.reflection()
                        .onMethodInvocation(OrderListener.class.getMethod("onOrder", Order.class, String.class)))
                .accepts(hints);
    }

    @Test
    void sendToReturnTypesCanBeBound() {
        RuntimeHints hints = process(OrderListener.class);
        assertBindable(hints, Receipt.class);
        // CompletableFuture<T> of a @SendTo method: T.
        assertBindable(hints, Shipment.class);
    }

    @Test
    void metadataParametersAndPlainReturnValuesGetNoBindingHints() {
        RuntimeHints hints = process(OrderListener.class);
        assertThat(RuntimeHintsPredicates.reflection().onType(LeapMessage.class))
                .rejects(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Message.class)).rejects(hints);
        // Returned without @SendTo: not converted, so no hints.
        assertThat(RuntimeHintsPredicates.reflection().onType(Unsent.class)).rejects(hints);
    }

    @Test
    void beansWithoutListenersContributeNothing() {
        DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
        beanFactory.registerBeanDefinition("plain", new RootBeanDefinition(Order.class));
        assertThat(this.processor.processAheadOfTime(RegisteredBean.of(beanFactory, "plain")))
                .isNull();
    }

    private RuntimeHints process(Class<?> beanClass) {
        DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
        beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
        BeanRegistrationAotContribution contribution =
                this.processor.processAheadOfTime(RegisteredBean.of(beanFactory, "bean"));
        assertThat(contribution).isNotNull();
        DefaultGenerationContext generationContext = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("io.leap.spring.aot", "TestApplication")),
                new InMemoryGeneratedFiles());
        // The contribution only adds hints; it generates no registration code.
        contribution.applyTo(generationContext, null);
        return generationContext.getRuntimeHints();
    }

    private static void assertBindable(RuntimeHints hints, Class<?> type) {
        assertThat(RuntimeHintsPredicates.reflection()
                        .onType(type)
                        .withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS))
                .accepts(hints);
    }

    public record Order(long id, String product, BigDecimal amount) {}

    public record Sku(String code) {}

    public record Item(Sku sku, int quantity) {}

    public record Refund(long orderId) {}

    public record Receipt(long orderId, String text) {}

    public record Shipment(long orderId) {}

    public record Unsent(long orderId) {}

    static class OrderListener {

        @LeapListener(channels = "orders", events = "order.created")
        public void onOrder(Order order, @Header(LeapHeaders.CHANNEL_ID) String channel) {}

        @LeapListener(channels = "orders", events = "order.items")
        public void onItems(List<Item> items, LeapMessage message) {}

        @LeapListener(channels = "orders", events = "order.refund")
        public void onRefund(Message<Refund> refund) {}

        @LeapListener(channels = "orders", events = "order.paid")
        @SendTo("receipts")
        public Receipt onPaid(Order order) {
            return new Receipt(order.id(), "paid");
        }

        @LeapListener(channels = "orders", events = "order.shipped")
        @SendTo("shipments")
        public CompletableFuture<Shipment> onShipped(Order order) {
            return CompletableFuture.completedFuture(new Shipment(order.id()));
        }

        @LeapListener(channels = "orders", events = "order.unsent")
        public Unsent onUnsent(Order order) {
            return new Unsent(order.id());
        }
    }
}
