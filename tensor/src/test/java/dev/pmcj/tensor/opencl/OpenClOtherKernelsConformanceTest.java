package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;
import dev.pmcj.testsupport.OpenClDevice;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The specification again with the matmul and attention kernels the device does not pick by default
 * (on PoCL: the GPU variants; on a GPU: the CPU ones), so both variants are held to it wherever tests run.
 */
@AddLifecycleHook(OpenClDevice.SkipWithout.class)
class OpenClOtherKernelsConformanceTest extends BackendConformance {
    private static OpenClBackend other;

    @Override
    protected Backend candidate() {
        return other();
    }

    private static synchronized OpenClBackend other() {
        if (other == null) {
            OpenClBackend device = OpenClDevice.require();
            other = device.withKernels(device.kernels() == OpenClBackend.Kernels.CPU
                    ? OpenClBackend.Kernels.GPU : OpenClBackend.Kernels.CPU);
        }
        return other;
    }
}
