package dev.pmcj.tensor.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device time per kernel, from the queue's profiling events: on when the JVM runs with
 * {@code -Dpmcj.opencl.profile=true} (for {@code bench/op-times}), since an event per call costs the
 * host a little, and the events are kept until {@link OpenClBackend#kernelTimes} reads them. Host-side
 * timings wait for whole ops and include the launch and the wait; these are the kernels' own
 * start-to-end times.
 */
final class KernelProfile {
    static final String PROPERTY = "pmcj.opencl.profile";
    private final List<String> names = new ArrayList<>();
    private final List<cl_event> events = new ArrayList<>();

    synchronized void add(String kernel, cl_event event) {
        names.add(kernel);
        events.add(event);
    }

    /** Kernel name -> {nanoseconds, calls} over the events so far, which it releases; the queue must have finished them. */
    synchronized Map<String, long[]> drain() {
        Map<String, long[]> totals = new LinkedHashMap<>();
        long[] start = new long[1], end = new long[1];
        for (int i = 0; i < events.size(); i++) {
            cl_event e = events.get(i);
            CL.clGetEventProfilingInfo(e, CL.CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
            CL.clGetEventProfilingInfo(e, CL.CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
            CL.clReleaseEvent(e);
            long[] t = totals.computeIfAbsent(names.get(i), k -> new long[2]);
            t[0] += end[0] - start[0];
            t[1]++;
        }
        names.clear();
        events.clear();
        return totals;
    }
}
