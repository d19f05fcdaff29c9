/**
 * Micrometer Observation support: the {@code leap.listener}, {@code leap.events}, {@code leap.template} and
 * {@code leap.client.publish} observations, their documentation enums, contexts and conventions. A convention set on
 * the component (in Spring Boot: a convention bean) replaces the default one. Every observation of a name always
 * carries the same low-cardinality keys (a missing value is {@code none}), so the timers made from observations keep
 * one tag set.
 */
package io.leap.spring.observation;
