package dev.pmcj.tensor;

/**
 * Where a tensor's numbers live. Host storage is a plain float array (fastest for the Vector API);
 * device storage is a handle owned by a device backend. Code above the tensor module never looks
 * inside either: it calls {@link Backend#toHost} and {@link Backend#fromHost}.
 */
public sealed interface Storage permits Storage.Host, Storage.Device {

    /** Capacity in floats. */
    int length();

    record Host(float[] data) implements Storage {
        @Override
        public int length() {
            return data.length;
        }
    }

    /** A buffer on a device; {@code handle} is whatever the owning backend needs (e.g. a cl_mem). */
    non-sealed interface Device extends Storage {
        Backend owner();

        void release();
    }
}
