package dev.kubepath.shell;

import dev.kubepath.model.Host;
import dev.kubepath.model.NftListing;
import dev.kubepath.model.NftTable;

import java.util.List;

/**
 * {@code nft list ruleset}, {@code nft list tables} and {@code nft list table FAMILY NAME} on the simulated host:
 * the tables the host holds (kube-proxy's, in nftables mode), printed as nft 1.0 prints them. Other nft commands
 * are refused in nft's words: the simulation's tables are written by its agents, not by hand.
 */
final class Nft {
    private Nft() {}

    static String run(Host host, List<String> args) {
        String line = String.join(" ", args);
        if (args.equals(List.of("list", "ruleset"))) return NftListing.render(host.nftables());
        if (args.equals(List.of("list", "tables"))) {
            StringBuilder sb = new StringBuilder();
            for (NftTable t : host.nftables()) sb.append("table ").append(t.key()).append('\n');
            return sb.toString();
        }
        if (args.size() == 4 && args.get(0).equals("list") && args.get(1).equals("table")) {
            return host.nftTable(args.get(2), args.get(3)).map(t -> NftListing.render(List.of(t))).orElseThrow(() ->
                    new ToolError("Error: No such file or directory\n" + line + "\n" + " ".repeat(11) + "^".repeat(Math.max(1, line.length() - 11)) + "\n", 1));
        }
        throw new ToolError("Error: kubepath's shell answers only 'nft list ruleset', 'nft list tables' and 'nft list table FAMILY NAME'\n", 1);
    }
}
