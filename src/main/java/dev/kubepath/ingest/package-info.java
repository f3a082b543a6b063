/**
 * Reading real tool output into the vendor-neutral {@link dev.kubepath.model} records.
 *
 * <p>Entry points: {@link dev.kubepath.ingest.BundleReader#read(java.nio.file.Path)} for a bundle directory
 * (docs/bundle-format.md), {@link dev.kubepath.ingest.BundleSummary#render} to show what it held, and one parser per
 * format, each {@code parse(fileName, text)} returning {@link dev.kubepath.ingest.Parsed} values plus
 * {@link dev.kubepath.ingest.ParseProblem}s. Files are detected by content ({@link dev.kubepath.ingest.RouteFile},
 * {@link dev.kubepath.ingest.AddrFile}) and may be pasted terminal transcripts ({@link dev.kubepath.ingest.Transcript}).
 * Single-line parsers for reuse: {@code IpRouteText.parseLine}, {@code RouteNText.parseLine},
 * {@code IpNeighText.parseLine}, {@code BridgeFdbText.parseLine}, {@code IptablesSave.parseRule},
 * {@code KubectlText.ports}, {@code LeasesText.lease}; they throw {@link java.lang.IllegalArgumentException} naming
 * what they could not read. Parsers never throw for bad input and never fill in what a damaged line lost.
 */
package dev.kubepath.ingest;
