package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;
import dev.pmcj.testsupport.OpenClDevice;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** The OpenCL backend (PoCL in CI) against the specification: every kernel, every property. */
@AddLifecycleHook(OpenClDevice.SkipWithout.class)
class OpenClBackendConformanceTest extends BackendConformance {

    @Override
    protected Backend candidate() {
        return OpenClDevice.require();
    }
}
