package dev.kubepath.net;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PrefixTable (sorted arrays per length, its own unsigned ordering) against the definition of longest-prefix match:
 * scan every entry, keep those containing the address, take the longest, in insertion order.
 */
class PrefixTableTest {
    record Entry(Prefix prefix, int value) {}

    /** Addresses from a few clustered ranges, both below and above 128.0.0.0 (where a signed sort would go wrong). */
    @Provide
    Arbitrary<Ipv4> addresses() {
        Arbitrary<Integer> base = Arbitraries.of(0x0A000000, 0x7FFFFF00, 0x80000000, 0xAC110000, 0xFFFFFF00, 0x00000000);
        return Combinators.combine(base, Arbitraries.integers().between(0, 0x1FFFF)).as((b, off) -> new Ipv4(b + off));
    }

    @Provide
    Arbitrary<List<Entry>> tables() {
        Arbitrary<Integer> lengths = Arbitraries.of(0, 1, 8, 16, 23, 24, 25, 31, 32);
        Arbitrary<Entry> entry = Combinators.combine(addresses(), lengths, Arbitraries.integers().between(0, 9))
                .as((a, len, v) -> new Entry(Prefix.of(a, len), v));
        return entry.list().ofMaxSize(60);
    }

    /** Containment by shifting unsigned 64-bit values: no mask, no sign. */
    static boolean naiveContains(Prefix p, Ipv4 a) {
        int shift = 32 - p.length();
        return shift == 32 || Integer.toUnsignedLong(p.network().bits()) >>> shift == Integer.toUnsignedLong(a.bits()) >>> shift;
    }

    static List<Integer> naiveLongestMatch(List<Entry> entries, Ipv4 address, Predicate<Integer> usable) {
        int best = -1;
        for (Entry e : entries) if (naiveContains(e.prefix(), address) && usable.test(e.value()) && e.prefix().length() > best) best = e.prefix().length();
        List<Integer> out = new ArrayList<>();
        for (Entry e : entries) if (e.prefix().length() == best && naiveContains(e.prefix(), address) && usable.test(e.value())) out.add(e.value());
        return out;
    }

    static PrefixTable<Integer> table(List<Entry> entries) {
        PrefixTable<Integer> t = new PrefixTable<>();
        for (Entry e : entries) t.put(e.prefix(), e.value());
        return t.freeze();
    }

    @Property(tries = 300)
    void longestMatchIsTheLongestContainingPrefixInInsertionOrder(@ForAll("tables") List<Entry> entries, @ForAll("addresses") Ipv4 address) {
        assertThat(table(entries).longestMatch(address)).isEqualTo(naiveLongestMatch(entries, address, v -> true));
    }

    @Property(tries = 300)
    void aFilterSkipsToTheLongestPrefixWithAUsableValue(@ForAll("tables") List<Entry> entries, @ForAll("addresses") Ipv4 address) {
        Predicate<Integer> even = v -> v % 2 == 0;
        assertThat(table(entries).longestMatch(address, even)).isEqualTo(naiveLongestMatch(entries, address, even));
    }

    @Property(tries = 300)
    void exactReturnsEveryValueStoredUnderThatPrefix(@ForAll("tables") List<Entry> entries) {
        PrefixTable<Integer> t = table(entries);
        for (Entry probe : entries) {
            List<Integer> expected = entries.stream().filter(e -> e.prefix().equals(probe.prefix())).map(Entry::value).toList();
            assertThat(t.exact(probe.prefix())).isEqualTo(expected);
        }
        assertThat(t.size()).isEqualTo(entries.size());
    }

    @Example
    void aLookupBeforeFreezeIsABugNotALazyFreeze() {
        PrefixTable<Integer> t = new PrefixTable<>();
        t.put(Prefix.parse("10.0.0.0/8"), 1);
        assertThatThrownBy(() -> t.longestMatch(Ipv4.parse("10.1.2.3"))).isInstanceOf(IllegalStateException.class);
        t.freeze();
        assertThatThrownBy(() -> t.put(Prefix.parse("10.0.0.0/8"), 2)).isInstanceOf(IllegalStateException.class);
        assertThat(t.longestMatch(Ipv4.parse("10.1.2.3"))).containsExactly(1);
    }
}
