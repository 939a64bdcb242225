package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;
import dev.pmcj.testsupport.OpenClDevice;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The specification again with every product split along k into three slices summed by a second
 * kernel: a GPU splits only products with too few tiles to keep it busy, which on small shapes
 * depends on the device, so these hold the split path to the specification wherever tests run.
 */
@AddLifecycleHook(OpenClDevice.SkipWithout.class)
class OpenClSplitMatmulConformanceTest extends BackendConformance {
    @Override
    protected Backend candidate() {
        return OpenClOtherKernelsConformanceTest.variant(OpenClBackend.Kernels.GPU_SPLIT);
    }
}
