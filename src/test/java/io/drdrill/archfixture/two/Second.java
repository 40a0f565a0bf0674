package io.drdrill.archfixture.two;

import io.drdrill.archfixture.one.First;

/** The other half of the deliberate package cycle. */
public class Second {
    First other;
}
