package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.host.linux.ProcessRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 'kubepath lab down' on a machine with more than one lab: it removes its own lab and what a dead run left, and
 * leaves another lab that is still running (another user's, another test's) in place, which still answers.
 */
class LabDownTest {
    private final ProcessRunner runner = ProcessRunner.withDefaultTimeout();

    @Test
    void downRemovesItsOwnLabAndADeadRunsButLeavesARunningLabThatStillVerifies() throws Exception {
        RootOnly.assume();
        ClusterFile file = ClusterFile.load(Path.of("src/test/resources/cluster-files/lab-three.yaml"));
        String crashed = tag() + "crashed";
        String untagged = tag() + "untagged";
        try (LabCluster other = LabScenario.up(file, LabCluster.RegistryKind.EMBEDDED);
             LabCluster mine = LabScenario.up(file, LabCluster.RegistryKind.EMBEDDED)) {
            // a run that died: its namespace is tagged with a process that has exited
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            runner.run(List.of("ip", "netns", "add", crashed)).orThrow();
            runner.run(List.of("ip", "-n", crashed, "link", "set", "lo", "alias", "kubepath-lab pid=" + gone.pid() + " start=1")).orThrow();
            // a namespace of the lab's naming without the tag (an older kubepath's lab): its owner cannot be told
            runner.run(List.of("ip", "netns", "add", untagged)).orThrow();

            Lab.Down d = Lab.down(runner, mine.lab().prefix(), false);

            assertThat(d.removed()).contains(crashed).doesNotContain(untagged)
                    .allSatisfy(n -> assertThat(n.startsWith(mine.lab().prefix()) || n.equals(crashed)).as(n).isTrue());
            assertThat(d.removed()).anySatisfy(n -> assertThat(n).isEqualTo(mine.lab().prefix() + "n1"));
            assertThat(Lab.listNamespaces(runner, Pattern.compile(Pattern.quote(mine.lab().prefix()) + ".*"))).isEmpty();
            assertThat(Lab.listNamespaces(runner, Pattern.compile(Pattern.quote(crashed)))).isEmpty();
            assertThat(d.leftInPlace().get(other.lab().prefix())).as(d.text())
                    .contains("owned by running process " + ProcessHandle.current().pid());
            assertThat(d.leftInPlace().get(untagged.substring(0, 10))).isEqualTo("1 namespace(s), owner unknown (no kubepath-lab tag on its lo)");
            assertThat(d.text()).contains("left in place").contains(other.lab().prefix() + "*").contains("'kubepath lab down --all'");

            // the other lab is whole: every flow still agrees with the simulator
            assertThat(Lab.listNamespaces(runner, Pattern.compile(Pattern.quote(other.lab().prefix()) + ".*"))).contains(other.lab().prefix() + "n1");
            LabVerify.Report r = LabVerify.run(other);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
            assertThat(r.rows()).anySatisfy(row -> assertThat(row.real()).isEqualTo(dev.kubepath.dataplane.Verdict.DELIVERED));
        } finally {
            Lab.cleanupStale(runner, Pattern.compile(Pattern.quote(crashed) + "|" + Pattern.quote(untagged)));
        }
    }

    private static String tag() {
        return "kp-" + Long.toString(new java.util.Random().nextLong(60466176L, 2176782335L), 36) + "-";
    }
}
