package io.leap.sample;

import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.core.LeapOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Tells the user where to look once the application is ready.
 */
@Component
public class StartupInfo {

    private static final Logger logger = LoggerFactory.getLogger(StartupInfo.class);

    private final Environment environment;

    private final ObjectProvider<LeapConnectionDetails> connectionDetails;

    private final ObjectProvider<LeapOperations> leap;

    private final ObjectProvider<DemoPublisher> demoPublisher;

    public StartupInfo(
            Environment environment,
            ObjectProvider<LeapConnectionDetails> connectionDetails,
            ObjectProvider<LeapOperations> leap,
            ObjectProvider<DemoPublisher> demoPublisher) {
        this.environment = environment;
        this.connectionDetails = connectionDetails;
        this.leap = leap;
        this.demoPublisher = demoPublisher;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void printWhereToLook() {
        String port =
                this.environment.getProperty("local.server.port", this.environment.getProperty("server.port", "8080"));
        String base = "http://localhost:" + port;
        LeapConnectionDetails details = this.connectionDetails.getIfAvailable();
        String leap = (details != null) ? details.getUrl() + " (project " + details.getProjectId() + ")" : "n/a";
        String via = (this.leap.getIfAvailable() != null)
                ? "LeapTemplate (Channels REST API)"
                : "the client socket (no LeapTemplate: set leap.api.token)";
        // Only claim that demo orders flow when the publisher bean exists (sample.publisher.enabled).
        String publisher = (this.demoPublisher.getIfAvailable() != null)
                ? "Demo orders are published to channel 'orders' every few seconds through " + via + "."
                : "The demo publisher is off (sample.publisher.enabled=false): no demo orders are published.";
        logger.info("""

				=================== Leap sample is running ===================
				  Leap server:  {}
				  Live page:    {}/   (orders arriving, this page's connection, Leap health)
				  Health:       {}/actuator/health/leap
				  Listeners:    {}/actuator/leaplisteners   (the @LeapListener 'orders')
				  Metrics:      {}/actuator/metrics/leap.messages.received
				                {}/actuator/metrics/leap.connection.up
				                {}/actuator/metrics/leap.listener.processed?tag=listener:orders
				                {}/actuator/metrics/leap.api.requests   (LeapTemplate calls)
				                {}/actuator/metrics   (all meters; leap.* are Leap's)
				  {}
				  Messages on channel 'orders' are logged below by @EventListener and @LeapListener methods.
				  Stop with Ctrl-C.
				==============================================================""", leap, base, base, base, base, base, base, base, base, publisher);
    }
}
