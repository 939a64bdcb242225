package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;
import dev.pmcj.testsupport.OpenClDevice;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The specification again with every product split along k into three slices summed by a second
 * kernel, and every sum over rows (bias and norm gradients) in three chunks: a GPU splits only work
 * too small to keep it busy, which on small shapes depends on the device, so these hold the split
 * paths to the specification wherever tests run.
 */
@AddLifecycleHook(OpenClDevice.SkipWithout.class)
class OpenClSplitMatmulConformanceTest extends BackendConformance {
    @Override
    protected Backend candidate() {
        return OpenClOtherKernelsConformanceTest.variant(OpenClBackend.Kernels.GPU_SPLIT);
    }
}
