/*
 * pa_threshold.c - a checked add for pyatomic.ThresholdCounter.
 *
 * One compare-and-swap loop: read the count, refuse if adding n would pass
 * INT64_MAX, else swap in count + n.  The swap fails only when another
 * thread changed the count (an add or a reset succeeded), so the loop is
 * lock-free.  The refusal is decided on the value the swap would replace,
 * so no add ever wraps, however many run at once.
 */
#include "pa_threshold.h"

#include <stdatomic.h>

int64_t pa_threshold_add(int64_t *count, int64_t n)
{
    _Atomic int64_t *cell = (_Atomic int64_t *)count;
    int64_t seen = atomic_load(cell);

    do {
        if (seen > INT64_MAX - n)
            return -1;
    } while (!atomic_compare_exchange_strong(cell, &seen, seen + n));

    return seen + n;
}
