package dev.pmcj.pmc.cli;

import me.tongfei.progressbar.ProgressBarConsumer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {

    @Test
    void quietProgressCountsWithoutOutput() {
        try (Progress p = Progress.start("sampling", 10, true)) {
            p.step();
            p.stepBy(4);
            p.message("loss 1.2");
            assertEquals(5, p.done());
        }
    }

    @Test
    void barShowsTaskCountAndRate() {
        List<String> lines = new ArrayList<>();
        ProgressBarConsumer sink = new ProgressBarConsumer() {
            @Override
            public void accept(String rendered) {
                lines.add(rendered);
            }

            @Override
            public int getMaxRenderedLength() {
                return 150;
            }

            @Override
            public void close() {
            }
        };
        try (Progress p = Progress.to("epochs", 4, sink)) {
            p.stepBy(4);
        }
        String last = lines.getLast();
        assertTrue(last.contains("epochs") && last.contains("4/4") && last.contains("/s"), last);
    }
}
