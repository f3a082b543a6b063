package dev.kubepath.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A progress bar on standard error for long work (the matrix, the doctor, the report of a big cluster), only when a
 * person watches: standard error is a terminal. In a pipe, a file or a test nothing is written.
 */
final class Progress implements AutoCloseable {
    /** Fewer hosts than this go by too fast for a bar. */
    private static final int MIN_HOSTS = 200;

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, int hosts) {
        if (hosts < MIN_HOSTS || !stderrIsTerminal()) return new Progress(null);
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(hosts).setUnit(" hosts", 1)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build());
    }

    /**
     * Whether standard error is a terminal. Java 21 can tell only of the console as a whole (System.console() is
     * null when standard input or output is redirected); on Linux, file descriptor 2 itself is looked at.
     */
    static boolean stderrIsTerminal() {
        if (System.console() == null) return false;
        Path fd2 = Path.of("/proc/self/fd/2");
        if (!Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return true; // no /proc: the console's word
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    void stepTo(int done, int total) {
        if (bar != null) {
            if (bar.getMax() != total) bar.maxHint(total);
            bar.stepTo(done);
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
