/*
 * pa_threshold.h - the count of pyatomic.ThresholdCounter.
 *
 * The count lives in an AtomicInt64 cell (pyatomic.c reinterprets such a
 * cell as _Atomic int64_t; so does this file).  It starts at 0 and only
 * grows between resets, and it must never wrap: a count that wrapped past
 * INT64_MAX would climb to the threshold again and fire twice in one
 * arming (pyatomic/_threshold.py has the argument).
 */
#ifndef PA_THRESHOLD_H
#define PA_THRESHOLD_H

#include <stdint.h>

/* Atomically add `n` (1 <= n) to the count and return the new count,
   unless that would pass INT64_MAX: then change nothing and return -1.
   A compare-and-swap loop: lock-free, and sequentially consistent. */
int64_t pa_threshold_add(int64_t *count, int64_t n);

#endif /* PA_THRESHOLD_H */
