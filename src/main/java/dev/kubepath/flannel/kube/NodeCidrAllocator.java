package dev.kubepath.flannel.kube;

import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;

import java.util.Collection;

/**
 * kube-controller-manager's range allocator ({@code --allocate-node-cidrs --cluster-cidr --node-cidr-mask-size}):
 * each registered node gets the next free block of the cluster CIDR, in address order, in {@code spec.podCIDR}.
 */
public record NodeCidrAllocator(Prefix clusterCidr, int nodeMaskSize) {
    public NodeCidrAllocator {
        if (nodeMaskSize < clusterCidr.length() || nodeMaskSize > 30) {
            throw new IllegalArgumentException("--node-cidr-mask-size " + nodeMaskSize + " does not fit --cluster-cidr " + clusterCidr);
        }
    }

    /** The first block not in {@code taken}; the controller manager reports "no remaining CIDRs" when there is none. */
    public Prefix next(Collection<Prefix> taken) {
        long step = 1L << (32 - nodeMaskSize);
        long first = clusterCidr.network().unsigned();
        long end = first + clusterCidr.size();
        for (long a = first; a < end; a += step) {
            Prefix p = Prefix.of(new Ipv4((int) a), nodeMaskSize);
            if (!taken.contains(p)) return p;
        }
        throw new IllegalStateException("CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range");
    }
}
