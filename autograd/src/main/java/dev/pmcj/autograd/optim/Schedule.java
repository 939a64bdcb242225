package dev.pmcj.autograd.optim;

/** Learning rate as a function of the 0-based optimizer step. */
public sealed interface Schedule permits Schedule.Constant, Schedule.WarmupLinear, Schedule.Cosine {
    float lr(long step);

    record Constant(float lr) implements Schedule {
        @Override
        public float lr(long step) {
            return lr;
        }
    }

    /** Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then linear decay to 0 at {@code total}. */
    record WarmupLinear(float peak, long warmup, long total) implements Schedule {
        @Override
        public float lr(long step) {
            if (step < warmup) return peak * ((step + 1) / (float) warmup); // exactly peak at the last warm-up step
            long rest = Math.max(1, total - warmup);
            return peak * Math.max(0f, (float) (total - step) / rest);
        }
    }

    /** Linear warm-up, then cosine decay from {@code peak} to {@code min} at {@code total}. */
    record Cosine(float peak, float min, long warmup, long total) implements Schedule {
        @Override
        public float lr(long step) {
            if (step < warmup) return peak * ((step + 1) / (float) warmup); // exactly peak at the last warm-up step
            double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
            return (float) (min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress)));
        }
    }
}
