package io.leap.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Sample application for the Leap Spring Boot starter.
 *
 * <p>By default it runs against an embedded, in-process Leap server ({@code leap.embedded.enabled=true} in
 * {@code application.yml}) and publishes a demo order every few seconds. To talk to another Leap server, start it
 * with {@code --leap.embedded.enabled=false --leap.url=... --leap.project-id=... --leap.token=...}.
 */
@SpringBootApplication
@EnableScheduling
@EnableAsync
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
