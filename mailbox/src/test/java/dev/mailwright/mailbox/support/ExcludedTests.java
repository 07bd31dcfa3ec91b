package dev.mailwright.mailbox.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tests of James's contract classes that do not apply to this store, each with its reason ("method: reason").
 * James's contracts declare most tests package-private, so they cannot be overridden; this condition skips them by
 * name and reports the reason in the test output.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
@ExtendWith(ExcludedTests.Condition.class)
public @interface ExcludedTests {
    String[] value();

    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<java.lang.reflect.Method> method = context.getTestMethod();
            if (method.isEmpty()) {
                return ConditionEvaluationResult.enabled("class");
            }
            // nested test classes of James's contracts are inner classes of James's class: look at the instances
            java.util.List<Class<?>> classes = new java.util.ArrayList<>();
            context.getTestInstances().ifPresent(instances -> instances.getAllInstances().forEach(i -> classes.add(i.getClass())));
            classes.add(context.getRequiredTestClass());
            for (Class<?> current : classes) {
                ExcludedTests excluded = findAnnotation(current);
                if (excluded == null) {
                    continue;
                }
                String name = method.get().getName();
                Optional<String> reason = Arrays.stream(excluded.value())
                    .filter(entry -> entry.startsWith(name + ":"))
                    .map(entry -> entry.substring(name.length() + 1).trim())
                    .findFirst();
                if (reason.isPresent()) {
                    return ConditionEvaluationResult.disabled("Excluded for this store: " + reason.get());
                }
            }
            return ConditionEvaluationResult.enabled("not excluded");
        }

        private static ExcludedTests findAnnotation(Class<?> type) {
            for (Class<?> current = type; current != null; current = current.getSuperclass()) {
                ExcludedTests found = current.getAnnotation(ExcludedTests.class);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
    }
}
