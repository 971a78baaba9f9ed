/*
 * pa_wait.h - wait/notify on 32-bit and bool cells (the C++20 futex model).
 *
 * Read by the C compiler and, without its '#' lines, by cffi's cdef parser:
 * plain prototypes only.
 *
 * pa_<kind>_wait(cell, expected, timeout_ns, shared) blocks while the cell
 * holds `expected`, for at most `timeout_ns` nanoseconds (0 or less: just
 * check).  It returns
 *    1  once it has seen a value different from `expected`,
 *    0  when the timeout passed first,
 *   -1  when a signal interrupted the sleep (the caller should let Python
 *       run its signal handlers and call again with the time left).
 * Wake-ups without a change of value are absorbed here: they never make it
 * return 1.
 *
 * pa_<kind>_notify(cell, all, shared) wakes one waiter (all false) or every
 * waiter (all true) blocked on the cell.  Call it after changing the value
 * with an atomic operation; a notify with no change wakes waiters that then
 * go back to sleep.
 *
 * `shared` must be false only for cells that no other process can see (the
 * cells pa_cell_new returns); it must be the same for every wait and notify
 * on one cell.  Shared cells use process-shared futexes and every notify
 * enters the kernel; private cells use private futexes and skip the system
 * call when no thread of this process waits.
 *
 * A bool is one byte but a futex is an aligned 32-bit word: bool cells wait
 * on the aligned word that contains them and test only their own byte, any
 * nonzero value of which is True (so a byte holding 2 does not differ from
 * `expected` true).  A change to a neighbouring byte is a spurious wake-up,
 * absorbed above.  pa_bool_wait therefore *reads* (never writes) the whole
 * aligned word, up to 3 bytes before or after the bool, which may lie
 * outside the caller's buffer but never outside the bool's page; pa_wait.c
 * argues why that is safe and keeps AddressSanitizer from reporting it.
 */
#ifndef PA_WAIT_H
#define PA_WAIT_H

#include <stdbool.h>
#include <stdint.h>

int pa_i32_wait(int32_t *cell, int32_t expected, int64_t timeout_ns,
                bool shared);
int pa_u32_wait(uint32_t *cell, uint32_t expected, int64_t timeout_ns,
                bool shared);
int pa_bool_wait(bool *cell, bool expected, int64_t timeout_ns, bool shared);

void pa_i32_notify(int32_t *cell, bool all, bool shared);
void pa_u32_notify(uint32_t *cell, bool all, bool shared);
void pa_bool_notify(bool *cell, bool all, bool shared);

/* 1 when waits use Linux futexes, 0 for the portable fallback. */
int pa_wait_uses_futex(void);

#endif /* PA_WAIT_H */
