package io.drdrill.archfixture.one;

import io.drdrill.archfixture.two.Second;

/** Half of a deliberate package cycle: shows that the architecture test's cycle rule does fail on one. */
public class First {
    Second other;
}
