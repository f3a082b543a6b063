package dev.kubepath.model;

/**
 * A facet of a host shown only through a filter ({@code ip route | grep flannel}, {@code arp -an | grep flannel.1},
 * {@code iptables-save | grep KUBE-SVC}, grep's {@code --} separators): the lines shown are observed facts, but the
 * listing is partial, so the facet stays unknown (not in {@link Host#known()}) and nothing is concluded from what it
 * lacks. Held in the host's {@link Facet#FILTERED} list; read with {@link Host#filteredBy(Facet)}.
 *
 * @param facet   the facet shown in part
 * @param shownBy the command as typed ({@code ip a | grep eth1}), or what told the output was filtered
 */
public record Filtered(Facet facet, String shownBy) {}
