package dev.pmcj.bench;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.Random;

/** Seeded random benchmark inputs. */
final class Inputs {
    private Inputs() {
    }

    static Tensor uniform(Backend backend, long seed, int... dims) {
        Random rnd = new Random(seed);
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return backend.fromHost(v, Shape.of(dims));
    }
}
