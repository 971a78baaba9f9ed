/*
 * pa_striped.h - a striped counter (Java's LongAdder) in C.
 *
 * Read by the C compiler and (without its '#' lines) by cffi's cdef.
 *
 * The counter is a power-of-two number of 64-bit cells, each on its own
 * cache-line pair.  An add goes to the cell picked by the calling thread's
 * probe (a per-thread hash kept in C thread-local storage), so threads that
 * add at the same time mostly write different lines.  The value of the
 * counter is the sum of the cells modulo 2^64, read as a signed int64_t:
 * it wraps like AtomicInt64.
 */
#ifndef PA_STRIPED_H
#define PA_STRIPED_H

#include <stddef.h>
#include <stdint.h>

/* The memory is the caller's (pyatomic allocates it with ffi.new, so that it
   is released only after every finaliser that could still use it has run):
   pa_striped_bytes(cells) zeroed bytes, with any alignment (the counter
   sits at the first cache-line boundary inside), passed as `counter` to
   every function.  `cells` must be a power of two, at least 1;
   pa_striped_bytes returns 0 otherwise.  pa_striped_init makes such memory
   a counter whose sum is 0. */
size_t pa_striped_bytes(uint32_t cells);
void pa_striped_init(void *counter, uint32_t cells);
uint32_t pa_striped_cells(void *counter);

/* Atomically add `n` (wrapping) to one cell.  Wait-free: at most one
   compare-and-swap and one fetch-and-add. */
void pa_striped_add(void *counter, int64_t n);
void pa_striped_increment(void *counter);
void pa_striped_decrement(void *counter);

/* The sum of the cells, each read atomically, in cell order (not one
   atomic snapshot while adds run). */
int64_t pa_striped_sum(void *counter);

/* Atomically store 0 in each cell in turn. */
void pa_striped_reset(void *counter);

/* Atomically swap each cell with 0 in turn; return the sum of the values
   swapped out.  Every add is counted by exactly one call or remains in the
   counter. */
int64_t pa_striped_sum_then_reset(void *counter);

#endif /* PA_STRIPED_H */
