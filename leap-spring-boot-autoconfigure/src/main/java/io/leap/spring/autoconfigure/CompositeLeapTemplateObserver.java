package io.leap.spring.autoconfigure;

import io.leap.spring.core.LeapApiOperation;
import io.leap.spring.core.LeapTemplateObserver;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Fans {@link LeapTemplateObserver} calls out to several observers; one failing observer does not affect the others.
 */
final class CompositeLeapTemplateObserver implements LeapTemplateObserver {

    private static final Log logger = LogFactory.getLog(CompositeLeapTemplateObserver.class);

    private final List<LeapTemplateObserver> observers;

    CompositeLeapTemplateObserver(List<LeapTemplateObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    @Override
    public Completion onStart(LeapApiOperation operation) {
        List<Completion> completions = new ArrayList<>(this.observers.size());
        for (LeapTemplateObserver observer : this.observers) {
            try {
                Completion completion = observer.onStart(operation);
                if (completion != null) {
                    completions.add(completion);
                }
            } catch (RuntimeException ex) {
                logger.warn("LeapTemplateObserver " + observer + " failed; ignored", ex);
            }
        }
        return (failure) -> {
            for (Completion completion : completions) {
                try {
                    completion.onComplete(failure);
                } catch (RuntimeException ex) {
                    logger.warn("LeapTemplateObserver completion failed; ignored", ex);
                }
            }
        };
    }
}
