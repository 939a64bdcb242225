package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;

/** The gradient properties on the fast CPU backend ({@link Backends#cpu()}). */
class CpuOpGradientTest extends OpGradientProperties {
    @Override
    protected Backend backend() {
        return Backends.cpu();
    }
}
