package dev.kubepath.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A HostBuilder's list reads the host's list until its first edit: every edit a daemon makes through it must give
 * what the same edits give on a plain copy, and the host it was read from must not change.
 */
class ListDraftTest {
    @Test
    void editsGiveWhatTheyGiveOnACopyAndLeaveTheOriginalAlone() {
        Random r = new Random(15);
        for (int round = 0; round < 500; round++) {
            List<Integer> original = new ArrayList<>();
            for (int i = r.nextInt(12); i > 0; i--) original.add(r.nextInt(10));
            List<Integer> frozen = List.copyOf(original);
            List<Integer> draft = new ListDraft<>(frozen), copy = new ArrayList<>(frozen);
            for (int step = r.nextInt(6); step > 0; step--) {
                int v = r.nextInt(10);
                switch (r.nextInt(8)) {
                    case 0 -> assertThat(draft.removeIf(x -> x == v)).isEqualTo(copy.removeIf(x -> x == v));
                    case 1 -> assertThat(draft.add(v)).isEqualTo(copy.add(v));
                    case 2 -> {
                        draft.clear();
                        copy.clear();
                    }
                    case 3 -> {
                        draft.replaceAll(x -> x + v);
                        copy.replaceAll(x -> x + v);
                    }
                    case 4 -> assertThat(draft.addAll(List.of(v, v + 1))).isEqualTo(copy.addAll(List.of(v, v + 1)));
                    case 5 -> {
                        if (!copy.isEmpty()) assertThat(draft.remove(copy.size() - 1)).isEqualTo(copy.remove(copy.size() - 1));
                    }
                    case 6 -> {
                        draft.sort(Comparator.reverseOrder());
                        copy.sort(Comparator.reverseOrder());
                    }
                    default -> {
                        var it = draft.iterator();
                        var jt = copy.iterator();
                        while (it.hasNext()) if (!it.next().equals(v)) it.remove();
                        while (jt.hasNext()) if (!jt.next().equals(v)) jt.remove();
                    }
                }
                assertThat(draft).isEqualTo(copy);
            }
            assertThat(frozen).isEqualTo(original);
        }
    }

    @Test
    void aHostRebuiltWithAnEditLeavesTheHostItCameFromAsItWas() {
        HostBuilder b = new HostBuilder("h");
        b.link(new Link("eth0", new LinkKind.Ethernet(), 1500, null, true, null));
        b.address(new IfAddress("eth0", dev.kubepath.net.Ipv4.parse("10.0.0.1"), 24));
        Host before = b.build();
        HostBuilder edit = before.toBuilder();
        edit.address(new IfAddress("eth0", dev.kubepath.net.Ipv4.parse("10.0.0.2"), 24));
        Host after = edit.build();
        assertThat(after.links()).isEqualTo(before.links());
        assertThat(after.addresses()).hasSize(2);
        assertThat(before.addresses()).hasSize(1);
        edit.links.clear();
        assertThat(before.links()).hasSize(1);
        assertThat(after.links()).hasSize(1);
        assertThat(edit.build().links()).isEmpty();
    }
}
