package dev.kubepath.dataplane;

/** For a flow that is load-balanced: how many of its backends answer. SOME is the "works sometimes" symptom. */
public enum EndpointCoverage {
    ALL, SOME, NONE;

    public static EndpointCoverage of(int ok, int total) {
        return ok == 0 ? NONE : ok == total ? ALL : SOME;
    }
}
