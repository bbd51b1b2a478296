package io.backupsuite.localstack;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ops/run-local}: starts the local stack, prints the {@code READY} line and runs until the
 * JVM is told to stop (Ctrl-C, SIGTERM); a shutdown hook then stops every part it started.
 */
public final class LocalStackMain {

    private LocalStackMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (StackArgs.wantsHelp(args)) {
            System.out.print(StackArgs.HELP);
            return;
        }
        StackOptions options;
        try {
            options = StackArgs.parse(args, System.getenv(), repoRoot());
        } catch (StackArgs.UsageException e) {
            System.err.println("run-local: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunningStack stack;
        try {
            stack = LocalStack.prepare(options);
        } catch (RuntimeException e) {
            System.err.println("run-local: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("data and logs in " + options.dataDir());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping every part...");
            stack.close();
            System.out.println("stopped");
            stopped.countDown();
        }, "local-stack-shutdown"));
        try {
            LocalStack.start(stack, System.out::println);
        } catch (RuntimeException e) {
            System.err.println("run-local: start failed: " + e.getMessage());
            System.exit(1);
        }
        System.out.println(stack.readyLine());
        System.out.flush();
        stopped.await();
    }

    /** The repository root: {@code -Dbackup.repo.root}, else found from where this class was loaded. */
    static Path repoRoot() {
        String configured = System.getProperty("backup.repo.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        try {
            // <root>/ops/local-stack/target/{classes | backup-local-stack-*.jar}
            Path loadedFrom = Path.of(LocalStackMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return loadedFrom.getParent().getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
