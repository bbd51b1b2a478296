package io.backupsuite.localstack;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** Prints {@link StackDiagnostics} of a test class's stack when one of its tests fails, then fails the test as it would have. */
final class StackOnFailure implements TestExecutionExceptionHandler {

    private final Supplier<RunningStack> stack;

    StackOnFailure(Supplier<RunningStack> stack) {
        this.stack = stack;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        RunningStack running = stack.get();
        if (running != null) {
            System.out.println("---- " + context.getDisplayName() + " failed: " + failure);
            StackDiagnostics.print(running);
        }
        throw failure;
    }
}
