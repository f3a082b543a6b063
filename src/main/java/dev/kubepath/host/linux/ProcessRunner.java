package dev.kubepath.host.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion: feeds stdin, collects stdout and stderr concurrently (so a chatty
 * process cannot block on a full pipe) and kills the process tree when it outlives its timeout.
 */
public final class ProcessRunner {
    /**
     * Threads that block reading the processes' pipes until they close: not the common pool, which has one thread
     * on two cores, where one curl's 1 s timeout held up the output (and so the result) of every other command.
     */
    private static final ExecutorService DRAINS = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("process-output-", 0).factory());

    private final Duration timeout;

    public ProcessRunner(Duration timeout) {
        this.timeout = timeout;
    }

    public static ProcessRunner withDefaultTimeout() {
        return new ProcessRunner(Duration.ofSeconds(30));
    }

    public Duration timeout() {
        return timeout;
    }

    public CommandResult run(List<String> command) {
        return run(command, null);
    }

    /** Runs {@code command}, writing {@code stdin} (may be null) to it. Never throws for a non-zero exit. */
    public CommandResult run(List<String> command, String stdin) {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start '" + String.join(" ", command) + "'", e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), DRAINS);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), DRAINS);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the process exited before reading everything; its exit status and stderr say why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new CommandResult(command, -1, out.getNow(""),
                        "timed out after " + timeout.toMillis() + " ms: " + err.getNow(""));
            }
            return new CommandResult(command, p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running '" + String.join(" ", command) + "'", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the output of '" + String.join(" ", command) + "'", e.getCause());
        }
    }

    private static String drain(InputStream s) {
        try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
