package dev.pmcj.tensor.opencl;

/** No usable OpenCL device: no ICD loader, no platform, no device, or JOCL's native library failed to load. */
public final class OpenClUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OpenClUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
