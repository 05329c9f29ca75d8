//! Statistics of a fitted die: goodness-of-fit tests, intervals, Bayes.
