package dev.pmcj.tensor.vector;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;

/** The fast CPU backend against the specification. */
class VectorBackendConformanceTest extends BackendConformance {
    private static final Backend VECTOR = new VectorBackend();

    @Override
    protected Backend candidate() {
        return VECTOR;
    }
}
