package dev.pmcj.transformer.checkpoint;

import dev.pmcj.transformer.model.ModelConfig;
import dev.pmcj.transformer.model.ParameterLayout;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Random parameter values for a config, and bitwise comparison of what a checkpoint reads back. */
final class TestModels {
    private TestModels() {
    }

    /** Gaussian values for every parameter of {@code c}'s layout. */
    static Map<String, float[]> random(ModelConfig c, long seed) {
        Random rng = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParameterLayout.Entry e : ParameterLayout.of(c)) {
            float[] v = new float[e.shape().size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
            out.put(e.name(), v);
        }
        return out;
    }

    static ParameterSource source(Map<String, float[]> values) {
        return name -> {
            float[] v = values.get(name);
            if (v == null) throw new IllegalArgumentException("test source has no " + name);
            return v;
        };
    }

    /** Every parameter of the checkpoint equals {@code expected} bit for bit, and the names agree. */
    static void assertSameBits(Map<String, float[]> expected, Checkpoint actual) {
        assertEquals(expected.keySet(), actual.names(), "parameter names");
        for (var e : expected.entrySet()) {
            float[] got = actual.read(e.getKey());
            float[] want = e.getValue();
            assertEquals(want.length, got.length, e.getKey());
            for (int i = 0; i < want.length; i++) {
                if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                    fail(e.getKey() + "[" + i + "]: expected " + want[i] + " but read " + got[i]);
                }
            }
        }
    }

    static String describe(ModelConfig c) {
        return c.family() + " L" + c.layers() + " d" + c.dim() + " h" + c.hiddenDim() + " heads " + c.heads() + "/" + c.kvHeads()
                + " V" + c.vocab() + " T" + c.context() + (c.tiedHead() ? " tied" : " untied");
    }
}
