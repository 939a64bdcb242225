package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;

/** The gradient properties on the specification backend. */
class ScalarOpGradientTest extends OpGradientProperties {
    @Override
    protected Backend backend() {
        return Backends.scalar();
    }
}
