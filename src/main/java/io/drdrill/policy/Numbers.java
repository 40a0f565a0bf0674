package io.drdrill.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Rounding and printing of the drill's metrics. */
public final class Numbers {

    private Numbers() {
    }

    /** Rounds half-up to {@code digits} decimals. */
    public static double round(double value, int digits) {
        return BigDecimal.valueOf(value).setScale(digits, RoundingMode.HALF_UP).doubleValue();
    }

    /** Whole numbers print without decimals ({@code 900}), others with what they need ({@code 0.8}). */
    public static String format(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A policy limit with its unit, or {@code none}. */
    public static String limit(java.util.Optional<Double> limit, String unit) {
        return limit.map(l -> format(l) + unit).orElse("none");
    }
}
