package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;
import dev.pmcj.testsupport.OpenClDevice;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The specification again with the 128-wide product tile ({@code matmul_wide}) at every size: a GPU
 * takes it only for products large enough to fill the device, which these shapes are not.
 */
@AddLifecycleHook(OpenClDevice.SkipWithout.class)
class OpenClWideMatmulConformanceTest extends BackendConformance {
    @Override
    protected Backend candidate() {
        return OpenClOtherKernelsConformanceTest.variant(OpenClBackend.Kernels.GPU_WIDE);
    }
}
