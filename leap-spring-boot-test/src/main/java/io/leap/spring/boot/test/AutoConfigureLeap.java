package io.leap.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Imports Leap's auto-configurations (client, embedded server, listeners, {@code LeapTemplate}, health, metrics and
 * observations where their dependencies are present) and Jackson's into a test slice such as {@code @WebMvcTest} or
 * {@code @JsonTest}, which leave them out. Combine it with {@link EmbeddedLeap} to run the slice against an
 * in-process server. {@code @SpringBootTest} applies every auto-configuration already and does not need it.
 *
 * <p>The list is {@code META-INF/spring/io.leap.spring.boot.test.AutoConfigureLeap.imports}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureLeap {}
