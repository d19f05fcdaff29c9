package io.leap.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code leap.api.token} is set to a non-blank value.
 */
class OnLeapApiTokenCondition extends SpringBootCondition {

    static final String PROPERTY = "leap.api.token";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("Leap Channels API token");
        if (StringUtils.hasText(context.getEnvironment().getProperty(PROPERTY))) {
            return ConditionOutcome.match(message.found("property").items(PROPERTY));
        }
        return ConditionOutcome.noMatch(message.didNotFind("non-blank property").items(PROPERTY));
    }
}
