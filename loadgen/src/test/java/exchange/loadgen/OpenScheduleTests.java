package exchange.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenScheduleTests {

    @Test
    void withoutRampArrivalsAreEvenlySpacedAtTheRate() {
        OpenSchedule schedule = new OpenSchedule(1000, 0, 0);
        assertThat(schedule.next()).isEqualTo(0);
        assertThat(schedule.next()).isEqualTo(1_000_000);
        long last = 0;
        for (int i = 2; i < 1000; i++) {
            last = schedule.next();
        }
        assertThat(last).isEqualTo(999_000_000L);
    }

    @Test
    void rampRisesFromATenthToTheFullRateThenStays() {
        long second = 1_000_000_000L;
        OpenSchedule schedule = new OpenSchedule(1000, 0, 10 * second);
        assertThat(schedule.rateAt(0)).isEqualTo(100);
        assertThat(schedule.rateAt(5 * second)).isEqualTo(550);
        assertThat(schedule.rateAt(10 * second)).isEqualTo(1000);
        int inRamp = 0;
        int afterRamp = 0;
        while (true) {
            long t = schedule.next();
            if (t >= 20 * second) {
                break;
            }
            if (t < 10 * second) {
                inRamp++;
            } else {
                afterRamp++;
            }
        }
        // Mean rate over the ramp is 550/s; afterwards exactly 1000/s.
        assertThat(inRamp).isBetween(5450, 5550);
        assertThat(afterRamp).isBetween(9999, 10001);
    }
}
