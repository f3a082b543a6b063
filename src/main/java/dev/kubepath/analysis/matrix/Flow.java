package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Verdict;

/**
 * One cell of the matrix: what the probe from {@code from} to {@code to} ends in. {@code endpoints} is the
 * tracer's coverage for a load-balanced flow; for a flow that reaches no load-balancing point it is ALL when the
 * flow is delivered and NONE otherwise. {@code reason} is the reason of the flow traced for this cell's class.
 */
public record Flow(String from, Destination to, Verdict verdict, EndpointCoverage endpoints, String reason) {}
