/*
 * pa_striped.c - a striped counter (Java's LongAdder).
 *
 * Why it is correct.  Every add is one atomic read-modify-write of one cell
 * (a successful compare-and-swap, or a fetch-and-add), so no add is lost
 * whichever cell it lands in, and the counter's value is by definition the
 * sum of the cells.  sum() reads each cell once: an add that completed
 * before sum() began is counted, one that began after sum() returned is
 * not, and one that overlaps may or may not be.  sum_then_reset() replaces
 * each cell's value by 0 with one atomic exchange, so each add is taken by
 * exactly one exchange (the first that follows it on that cell) or is still
 * in the cell: nothing is lost or counted twice, however many run at once.
 *
 * Why it is fast.  Cells are PA_STRIPE bytes apart (a cache-line pair, as
 * the scalar cells of pyatomic.c), so threads on different cells never
 * share a line.  A thread's cell is chosen by its probe, a per-thread hash
 * that lives in C thread-local storage: picking a cell costs no Python
 * code.  An add first tries one compare-and-swap on its cell; if that
 * fails, another thread is on the same cell, so the thread moves its probe
 * (xorshift, as Java does on contention) and does an unconditional
 * fetch-and-add on its new cell.  That makes every add wait-free: one
 * load, at most one failed CAS, then one fetch-and-add.
 *
 * Arithmetic is done in uint64_t, where wrap-around is defined; the sum is
 * converted back to int64_t, which GCC and Clang define as modulo 2^64.
 */
#include "pa_striped.h"

#include <stdatomic.h>
#include <stdbool.h>

#if defined(__x86_64__) || defined(__aarch64__) || defined(__powerpc64__)
#define PA_STRIPE 128
#else
#define PA_STRIPE 64
#endif

struct pa_stripe {
    _Atomic uint64_t value;
    char pad[PA_STRIPE - sizeof(_Atomic uint64_t)];
};

_Static_assert(sizeof(struct pa_stripe) == PA_STRIPE,
               "a stripe must fill one cache-line pair");

/* The header is padded too, so the first cell does not share its line. */
typedef struct pa_striped pa_striped;

struct pa_striped {
    uint32_t mask;
    char pad[PA_STRIPE - sizeof(uint32_t)];
    struct pa_stripe cells[];
};

/* 0 until the thread's first add; then an odd, non-zero xorshift state. */
static _Thread_local uint32_t pa_probe;

/* Spreads first probes: consecutive threads start far apart (Weyl sequence
   with the golden-ratio increment, as Java's ThreadLocalRandom). */
static _Atomic uint32_t pa_probe_seed;

static uint32_t pa_thread_probe(void)
{
    uint32_t probe = pa_probe;

    if (probe == 0) {
        probe = atomic_fetch_add(&pa_probe_seed, 0x9e3779b9u) + 0x9e3779b9u;
        probe |= 1u;
        pa_probe = probe;
    }
    return probe;
}

static uint32_t pa_advance_probe(uint32_t probe)
{
    /* Marsaglia xorshift: never maps a non-zero state to zero. */
    probe ^= probe << 13;
    probe ^= probe >> 17;
    probe ^= probe << 5;
    pa_probe = probe;
    return probe;
}

/* The counter starts at the first PA_STRIPE boundary of the caller's
   block, which pa_striped_bytes() makes big enough for that (Python's
   ffi.new only promises 16-byte alignment). */
static inline pa_striped *striped_at(void *memory)
{
    uintptr_t at = ((uintptr_t)memory + PA_STRIPE - 1) &
                   ~(uintptr_t)(PA_STRIPE - 1);

    return (pa_striped *)at;
}

size_t pa_striped_bytes(uint32_t cells)
{
    if (cells == 0 || (cells & (cells - 1)) != 0)
        return 0;
    return sizeof(pa_striped) + (size_t)cells * sizeof(struct pa_stripe) +
           PA_STRIPE - 1;
}

/* The memory is already zeroed, so every cell is 0; only the mask is set,
   before the counter is shared with any other thread. */
void pa_striped_init(void *memory, uint32_t cells)
{
    pa_striped *counter = striped_at(memory);

    counter->mask = cells - 1;
}

uint32_t pa_striped_cells(void *memory)
{
    return striped_at(memory)->mask + 1;
}

void pa_striped_add(void *memory, int64_t n)
{
    pa_striped *counter = striped_at(memory);
    uint32_t probe = pa_thread_probe();
    _Atomic uint64_t *cell = &counter->cells[probe & counter->mask].value;
    uint64_t seen = atomic_load(cell);

    if (atomic_compare_exchange_strong(cell, &seen, seen + (uint64_t)n))
        return;

    probe = pa_advance_probe(probe);
    cell = &counter->cells[probe & counter->mask].value;
    atomic_fetch_add(cell, (uint64_t)n);
}

void pa_striped_increment(void *counter) { pa_striped_add(counter, 1); }

void pa_striped_decrement(void *counter)
{
    pa_striped_add(counter, -1);
}

int64_t pa_striped_sum(void *memory)
{
    pa_striped *counter = striped_at(memory);
    uint64_t sum = 0;

    for (uint32_t i = 0; i <= counter->mask; i++)
        sum += atomic_load(&counter->cells[i].value);
    return (int64_t)sum;
}

void pa_striped_reset(void *memory)
{
    pa_striped *counter = striped_at(memory);
    for (uint32_t i = 0; i <= counter->mask; i++)
        atomic_store(&counter->cells[i].value, 0);
}

int64_t pa_striped_sum_then_reset(void *memory)
{
    pa_striped *counter = striped_at(memory);
    uint64_t sum = 0;

    for (uint32_t i = 0; i <= counter->mask; i++)
        sum += atomic_exchange(&counter->cells[i].value, 0);
    return (int64_t)sum;
}
