package io.leap.spring.autoconfigure.observation;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import com.sun.net.httpserver.HttpServer;
import io.leap.spring.autoconfigure.LeapTemplateAutoConfiguration;
import io.leap.spring.core.LeapOperations;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The W3C trace context of a {@code leap.template} observation reaches the REST API: a real tracer (Brave, W3C
 * propagation) behind the application's {@link ObservationRegistry}, and a JDK HTTP server on a real socket standing
 * in for the Channels REST API, which records the headers it receives.
 */
class LeapTemplateTracePropagationTests {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-01");

    private HttpServer server;

    private final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.createContext("/", (exchange) -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                this.requests.add(Map.copyOf(exchange.getRequestHeaders()));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        this.server.start();
    }

    @AfterEach
    void stopServer() {
        this.server.stop(0);
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        JacksonAutoConfiguration.class,
                        LeapTemplateAutoConfiguration.class,
                        LeapObservationAutoConfiguration.class))
                .withPropertyValues(
                        "leap.api.token=ptk_NjQ5MjYxMzYyNzYxNDY1NDU",
                        "leap.api.url=http://127.0.0.1:"
                                + this.server.getAddress().getPort(),
                        "leap.api.retry.enabled=false")
                .withUserConfiguration(TracingConfig.class);
    }

    @Test
    void requestsCarryTheTraceparentOfTheTemplateSpanChildOfTheCurrentSpan() {
        runner().withPropertyValues("leap.api.observation-enabled=true").run((context) -> {
            assertThat(context).hasNotFailed();
            Tracer tracer = context.getBean(Tracer.class);
            TracingConfig tracing = context.getBean(TracingConfig.class);
            LeapOperations leap = context.getBean(LeapOperations.class);

            Span parent = tracer.nextSpan().name("checkout").start();
            try (Tracer.SpanInScope scope = tracer.withSpan(parent)) {
                leap.publish("orders", "order.created", Map.of("id", 1));
                leap.publishAsync("orders", "order.paid", Map.of("id", 1)).join();
            } finally {
                parent.end();
            }

            assertThat(this.requests).hasSize(2);
            for (Map<String, List<String>> headers : this.requests) {
                Matcher traceparent = traceparent(headers);
                assertThat(traceparent.group(1)).isEqualTo(parent.context().traceId());
                String spanId = traceparent.group(2);
                // The header names the template's own span (a client span, child of the current one).
                MutableSpan templateSpan = tracing.finished.stream()
                        .filter((span) -> span.id().equals(spanId))
                        .findFirst()
                        .orElseThrow();
                assertThat(templateSpan.name()).isEqualTo("leap publish");
                assertThat(templateSpan.kind()).isEqualTo(brave.Span.Kind.CLIENT);
                assertThat(templateSpan.remoteServiceName()).isEqualTo("leap");
                assertThat(templateSpan.parentId()).isEqualTo(parent.context().spanId());
                assertThat(templateSpan.tags())
                        .containsEntry("leap.operation", "publish")
                        .containsEntry("leap.channel", "orders");
            }
        });
    }

    @Test
    void withoutACurrentSpanTheTemplateSpanStartsATrace() {
        runner().withPropertyValues("leap.api.observation-enabled=true").run((context) -> {
            context.getBean(LeapOperations.class).deleteChannel("orders");
            assertThat(this.requests).singleElement().satisfies((headers) -> {
                Matcher traceparent = traceparent(headers);
                MutableSpan span = context.getBean(TracingConfig.class).finished.stream()
                        .filter((finished) -> finished.id().equals(traceparent.group(2)))
                        .findFirst()
                        .orElseThrow();
                assertThat(span.parentId()).isNull();
                assertThat(span.traceId()).isEqualTo(traceparent.group(1));
            });
        });
    }

    @Test
    void noTraceparentWhenTheObservationIsOff() {
        runner().run((context) -> {
            Tracer tracer = context.getBean(Tracer.class);
            Span parent = tracer.nextSpan().name("checkout").start();
            try (Tracer.SpanInScope scope = tracer.withSpan(parent)) {
                context.getBean(LeapOperations.class).publish("orders", "order.created", Map.of("id", 1));
            } finally {
                parent.end();
            }
            assertThat(this.requests)
                    .singleElement()
                    .satisfies((headers) -> assertThat(headers.keySet())
                            .noneSatisfy((name) -> assertThat(name).isEqualToIgnoringCase("traceparent")));
        });
    }

    private static Matcher traceparent(Map<String, List<String>> headers) {
        List<String> values = headers.entrySet().stream()
                .filter((entry) -> entry.getKey().equalsIgnoreCase("traceparent"))
                .flatMap((entry) -> entry.getValue().stream())
                .toList();
        assertThat(values).as("traceparent headers").hasSize(1);
        Matcher matcher = TRACEPARENT.matcher(values.get(0));
        assertThat(matcher.matches()).as(values.get(0)).isTrue();
        return matcher;
    }

    /** Brave with W3C propagation behind the Micrometer Tracing bridge, wired into an ObservationRegistry. */
    @Configuration(proxyBeanMethods = false)
    static class TracingConfig {

        final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

        private final ThreadLocalCurrentTraceContext currentTraceContext =
                ThreadLocalCurrentTraceContext.newBuilder().build();

        @Bean(destroyMethod = "close")
        Tracing braveTracing() {
            return Tracing.newBuilder()
                    .localServiceName("shop")
                    .traceId128Bit(true)
                    .currentTraceContext(this.currentTraceContext)
                    .propagationFactory(new W3CPropagation())
                    .addSpanHandler(new SpanHandler() {
                        @Override
                        public boolean end(brave.propagation.TraceContext context, MutableSpan span, Cause cause) {
                            TracingConfig.this.finished.add(span);
                            return true;
                        }
                    })
                    .build();
        }

        @Bean
        BraveTracer tracer(Tracing braveTracing) {
            return new BraveTracer(
                    braveTracing.tracer(),
                    new BraveCurrentTraceContext(this.currentTraceContext),
                    new BraveBaggageManager());
        }

        @Bean
        ObservationRegistry observationRegistry(Tracing braveTracing, BraveTracer tracer) {
            BravePropagator propagator = new BravePropagator(braveTracing);
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig()
                    .observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                            new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                            new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                            new DefaultTracingObservationHandler(tracer)));
            return registry;
        }
    }
}
