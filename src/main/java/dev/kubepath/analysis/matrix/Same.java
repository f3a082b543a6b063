package dev.kubepath.analysis.matrix;

/** Identity as a map key: the parts that hosts share are the same object, and an equal copy is not the same part. */
record Same(Object o) {
    @Override
    public boolean equals(Object other) {
        return other instanceof Same s && s.o == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(o);
    }
}
