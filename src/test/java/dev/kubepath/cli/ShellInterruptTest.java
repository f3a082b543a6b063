package dev.kubepath.cli;

import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C at the shell's prompt drops the line typed and asks again; Ctrl-D leaves. */
class ShellInterruptTest {
    @Test
    void ctrlCDiscardsThePartialLineAndPromptsAgain() {
        List<String> prompts = new ArrayList<>();
        Deque<Object> keys = new ArrayDeque<>(List.of(new UserInterruptException("ip route ge"), "ip route"));
        Function<String, String> reader = prompt -> {
            prompts.add(prompt);
            Object k = keys.pop();
            if (k instanceof RuntimeException e) throw e;
            return (String) k;
        };
        assertThat(ShellCommand.next(reader, "[root@mcwk8s05 ~]# ")).isEqualTo("ip route");
        assertThat(prompts).containsExactly("[root@mcwk8s05 ~]# ", "[root@mcwk8s05 ~]# ");
    }

    @Test
    void ctrlDLeaves() {
        assertThat(ShellCommand.next(p -> { throw new EndOfFileException(); }, "$ ")).isNull();
    }
}
