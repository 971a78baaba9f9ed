/*
 * test_stress.c - threads hammering every operation of pyatomic's C core.
 *
 * Not part of the extension (csrc/build.py skips test_*.c).  Built and run
 * by tools/tsan_stress.sh under ThreadSanitizer and under AddressSanitizer
 * with UndefinedBehaviorSanitizer:
 *
 *     gcc -std=c11 -O1 -g -fsanitize=thread -pthread -Icsrc \
 *         -DPA_VERSION_STR='"test"' csrc/test_stress.c csrc/pyatomic.c
 *     ./a.out [ITERATIONS]          (or PA_STRESS_ITERS=N; default 20000)
 *
 * Every scenario starts NTHREADS threads behind a barrier on one shared
 * cell and ends with checks that only hold if every operation was atomic:
 *
 *   - exact totals for add/sub/increment/decrement/fetch_add/fetch_sub,
 *     started near MAX so that the count wraps while the threads run;
 *   - exactly-once results: on a counter that only moves one way, every
 *     new value is returned to exactly one caller;
 *   - conservation of swapped values: each thread swaps in tokens nobody
 *     else uses, so every token leaves the cell exactly once or is still in
 *     it at the end, and the initial value leaves exactly once;
 *   - compare-and-swap loops (with and without reusing the witnessed value)
 *     reach the exact total;
 *   - fetch_max/fetch_min end at the true extremes, and the previous values
 *     one thread sees only ever move one way;
 *   - bit ownership: thread t alone touches its bits, so fetch_or/and/xor
 *     must always show its bits as it left them;
 *   - no torn reads: stored values have equal halves, so a load that mixed
 *     two stores would show unequal halves;
 *   - a spin lock built on the bool CAS protects a plain counter (TSan
 *     checks that the lock orders the plain accesses), and a Treiber stack
 *     built on the pointer CAS hands every node to exactly one popper.
 *
 * Half of the scenarios run on a cell from pa_cell_new(), whose padding
 * must still be zero afterwards; the other half on a cell in the middle of
 * a larger buffer whose bytes on both sides hold a sentinel pattern.
 *
 * Prints one line per failed check, then "N passed, M failed" (N and M
 * count scenarios), and exits 1 if anything failed.
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers and sched_yield in C11 */

#include "pyatomic.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 4
#define SENTINEL 0xA5
#define GUARD 64 /* sentinel bytes on each side of a guarded cell */

static long iters = 20000;
static int scenario_failures; /* failed checks in the current scenario */

static void fail(const char *scenario, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "FAIL %s: ", scenario);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    scenario_failures++;
}

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond))                                                          \
            fail(__VA_ARGS__);                                                \
    } while (0)

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);

    if (p == NULL) {
        perror("calloc");
        exit(2);
    }
    return p;
}

/* xorshift64*: a per-thread generator, so runs are reproducible. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* -- threads --------------------------------------------------------------- */

struct worker {
    int index;
    void *ctx;
    void *(*body)(struct worker *);
    pthread_barrier_t *barrier;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;

    pthread_barrier_wait(w->barrier);
    return w->body(w);
}

/* Run body(worker) in NTHREADS threads released together by a barrier. */
static void run_threads(void *(*body)(struct worker *), void *ctx)
{
    pthread_t threads[NTHREADS];
    struct worker workers[NTHREADS];
    pthread_barrier_t barrier;

    pthread_barrier_init(&barrier, NULL, NTHREADS);
    for (int t = 0; t < NTHREADS; t++) {
        workers[t] = (struct worker){t, ctx, body, &barrier};
        if (pthread_create(&threads[t], NULL, worker_main, &workers[t])) {
            perror("pthread_create");
            exit(2);
        }
    }

    for (int t = 0; t < NTHREADS; t++)
        pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&barrier);
}

/* -- cells with sentinels -------------------------------------------------- */

/*
 * A cell either from pa_cell_new() (its padding beyond `size` bytes must
 * stay zero) or GUARD bytes into a buffer filled with SENTINEL (both sides
 * must keep it).  Either way an operation that wrote outside its own
 * object shows up in check_cell().
 */
struct cell {
    void *at;
    size_t size;
    unsigned char *buffer; /* NULL for a cell from pa_cell_new() */
};

static struct cell cell_open(size_t size, bool guarded)
{
    struct cell c = {NULL, size, NULL};

    if (!guarded) {
        c.at = pa_cell_new();
        if (c.at == NULL) {
            perror("pa_cell_new");
            exit(2);
        }
        return c;
    }

    c.buffer = aligned_alloc(GUARD, 3 * GUARD);
    if (c.buffer == NULL) {
        perror("aligned_alloc");
        exit(2);
    }
    memset(c.buffer, SENTINEL, 3 * GUARD);
    memset(c.buffer + GUARD, 0, size);
    c.at = c.buffer + GUARD;
    return c;
}

static void cell_close(const char *scenario, struct cell *c)
{
    if (c->buffer == NULL) {
        const unsigned char *bytes = c->at;

        for (size_t i = c->size; i < pa_cell_size(); i++)
            CHECK(bytes[i] == 0, scenario, "cell padding byte %zu was written",
                  i);
        pa_cell_free(c->at);
        return;
    }

    for (size_t i = 0; i < 3 * GUARD; i++) {
        bool inside = i >= GUARD && i < GUARD + c->size;

        CHECK(inside || c->buffer[i] == SENTINEL, scenario,
              "sentinel byte %zd (relative to the cell) was overwritten",
              (ptrdiff_t)i - GUARD);
    }
    free(c->buffer);
}

/* -- integer operations, as bit patterns in uint64_t ----------------------- */

/*
 * The scenarios are written once, against this table.  Values cross it as
 * uint64_t bit patterns reduced to the type's width (`mask`); the wrappers
 * convert through the unsigned type, which is modular and defined.
 */
struct int_ops {
    const char *name;
    int bits;
    bool is_signed;
    size_t size;
    uint64_t mask;
    uint64_t (*load)(void *);
    void (*store)(void *, uint64_t);
    uint64_t (*swap)(void *, uint64_t);
    bool (*compare_and_swap)(void *, uint64_t, uint64_t);
    uint64_t (*compare_exchange)(void *, uint64_t, uint64_t);
    uint64_t (*fetch_add)(void *, uint64_t);
    uint64_t (*fetch_sub)(void *, uint64_t);
    uint64_t (*fetch_and)(void *, uint64_t);
    uint64_t (*fetch_or)(void *, uint64_t);
    uint64_t (*fetch_xor)(void *, uint64_t);
    uint64_t (*fetch_max)(void *, uint64_t);
    uint64_t (*fetch_min)(void *, uint64_t);
    uint64_t (*add)(void *, uint64_t);
    uint64_t (*sub)(void *, uint64_t);
    uint64_t (*increment)(void *);
    uint64_t (*decrement)(void *);
};

#define PA_WRAP1(K, T, UT, verb)                                              \
    static uint64_t K##_##verb(void *c, uint64_t v)                           \
    {                                                                         \
        return (UT)pa_##K##_##verb(c, (T)(UT)v);                              \
    }

#define PA_OPS(K, T, UT, SIGNED)                                              \
    static uint64_t K##_load(void *c) { return (UT)pa_##K##_load(c); }        \
    static void K##_store(void *c, uint64_t v)                                \
    {                                                                         \
        pa_##K##_store(c, (T)(UT)v);                                          \
    }                                                                         \
    static bool K##_compare_and_swap(void *c, uint64_t e, uint64_t d)         \
    {                                                                         \
        return pa_##K##_compare_and_swap(c, (T)(UT)e, (T)(UT)d);              \
    }                                                                         \
    static uint64_t K##_compare_exchange(void *c, uint64_t e, uint64_t d)     \
    {                                                                         \
        return (UT)pa_##K##_compare_exchange(c, (T)(UT)e, (T)(UT)d);          \
    }                                                                         \
    static uint64_t K##_increment(void *c)                                    \
    {                                                                         \
        return (UT)pa_##K##_increment(c);                                     \
    }                                                                         \
    static uint64_t K##_decrement(void *c)                                    \
    {                                                                         \
        return (UT)pa_##K##_decrement(c);                                     \
    }                                                                         \
    PA_WRAP1(K, T, UT, swap)                                                  \
    PA_WRAP1(K, T, UT, fetch_add)                                             \
    PA_WRAP1(K, T, UT, fetch_sub)                                             \
    PA_WRAP1(K, T, UT, fetch_and)                                             \
    PA_WRAP1(K, T, UT, fetch_or)                                              \
    PA_WRAP1(K, T, UT, fetch_xor)                                             \
    PA_WRAP1(K, T, UT, fetch_max)                                             \
    PA_WRAP1(K, T, UT, fetch_min)                                             \
    PA_WRAP1(K, T, UT, add)                                                   \
    PA_WRAP1(K, T, UT, sub)                                                   \
    static const struct int_ops K##_ops = {                                   \
        #K, 8 * sizeof(T), SIGNED, sizeof(T), (UT)-1,                         \
        K##_load, K##_store, K##_swap, K##_compare_and_swap,                  \
        K##_compare_exchange, K##_fetch_add, K##_fetch_sub, K##_fetch_and,    \
        K##_fetch_or, K##_fetch_xor, K##_fetch_max, K##_fetch_min, K##_add,   \
        K##_sub, K##_increment, K##_decrement};

PA_OPS(i32, int32_t, uint32_t, true)
PA_OPS(i64, int64_t, uint64_t, true)
PA_OPS(u32, uint32_t, uint32_t, false)
PA_OPS(u64, uint64_t, uint64_t, false)

static const struct int_ops *const int_types[] = {&i32_ops, &i64_ops,
                                                  &u32_ops, &u64_ops};

/* The largest value of the type, as a bit pattern. */
static uint64_t max_of(const struct int_ops *ops)
{
    return ops->is_signed ? ops->mask >> 1 : ops->mask;
}

/* The pattern `v` as a number, for ordering; signed types sign-extend. */
static int64_t signed_value(const struct int_ops *ops, uint64_t v)
{
    uint64_t sign = UINT64_C(1) << (ops->bits - 1);

    return (int64_t)(((v & ops->mask) ^ sign) - sign);
}

/* a < b in the type's own order. */
static bool less(const struct int_ops *ops, uint64_t a, uint64_t b)
{
    if (ops->is_signed)
        return signed_value(ops, a) < signed_value(ops, b);
    return (a & ops->mask) < (b & ops->mask);
}

/* Shared state of one integer scenario. */
struct int_ctx {
    const struct int_ops *ops;
    void *cell;
    void *cell2;        /* a second cell of the same kind, for fetch_min */
    uint64_t **results; /* results[t][i], filled by thread t */
    uint64_t *extra;    /* one value per thread */
};

static uint64_t **results_new(void)
{
    uint64_t **r = xcalloc(NTHREADS, sizeof *r);

    for (int t = 0; t < NTHREADS; t++)
        r[t] = xcalloc((size_t)iters, sizeof **r);
    return r;
}

static void results_free(uint64_t **r)
{
    for (int t = 0; t < NTHREADS; t++)
        free(r[t]);
    free(r);
}

/*
 * Check that the NTHREADS * iters results, each reduced by `- base`, are
 * exactly the numbers 0 .. total-1, each once.
 */
static void check_exactly_once(const char *scenario, uint64_t **results,
                               uint64_t base, uint64_t mask)
{
    size_t total = (size_t)iters * NTHREADS;
    unsigned char *seen = xcalloc(total, 1);

    for (int t = 0; t < NTHREADS; t++) {
        for (long i = 0; i < iters; i++) {
            uint64_t k = (results[t][i] - base) & mask;

            if (k >= total) {
                fail(scenario, "thread %d got %" PRIu64 ", out of range", t,
                     results[t][i]);
                break;
            }
            CHECK(!seen[k]++, scenario, "value %" PRIu64 " returned twice",
                  results[t][i]);
        }
    }
    free(seen);
}

/* -- integer scenarios ----------------------------------------------------- */

static void *totals_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;

    for (long i = 0; i < iters; i++) {
        ops->increment(x->cell);
        ops->add(x->cell, 3);
        ops->fetch_add(x->cell, 5);
        ops->decrement(x->cell);
        ops->sub(x->cell, 1);
        ops->fetch_sub(x->cell, 2);
    }
    return NULL;
}

static void scenario_totals(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    uint64_t added = (uint64_t)NTHREADS * iters * (1 + 3 + 5 - 1 - 1 - 2);
    uint64_t start = (max_of(ops) - added / 2) & ops->mask;

    ops->store(x->cell, start);
    run_threads(totals_body, x);

    CHECK(ops->load(x->cell) == ((start + added) & ops->mask), name,
          "total %" PRIu64 ", expected %" PRIu64, ops->load(x->cell),
          (start + added) & ops->mask);
}

/* Every thread rotates through the four ways of adding 1. */
static void *up_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;
    uint64_t *out = x->results[w->index];

    for (long i = 0; i < iters; i++) {
        switch (i % 4) {
        case 0:
            out[i] = ops->increment(x->cell);
            break;
        case 1:
            out[i] = ops->add(x->cell, 1);
            break;
        case 2:
            out[i] = (ops->fetch_add(x->cell, 1) + 1) & ops->mask;
            break;
        default:
            out[i] = (ops->fetch_sub(x->cell, ops->mask) + 1) & ops->mask;
        }
    }
    return NULL;
}

static void scenario_up_exactly_once(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    uint64_t start = (max_of(ops) - 7) & ops->mask; /* crosses MAX */
    uint64_t total = (uint64_t)NTHREADS * iters;

    ops->store(x->cell, start);
    run_threads(up_body, x);

    CHECK(ops->load(x->cell) == ((start + total) & ops->mask), name,
          "final %" PRIu64, ops->load(x->cell));
    check_exactly_once(name, x->results, start + 1, ops->mask);
}

static void *down_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;
    uint64_t *out = x->results[w->index];

    for (long i = 0; i < iters; i++) {
        switch (i % 3) {
        case 0:
            out[i] = ops->decrement(x->cell);
            break;
        case 1:
            out[i] = ops->sub(x->cell, 1);
            break;
        default:
            out[i] = (ops->fetch_sub(x->cell, 1) - 1) & ops->mask;
        }
    }
    return NULL;
}

static void scenario_down_exactly_once(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    uint64_t total = (uint64_t)NTHREADS * iters;
    uint64_t start = total / 2; /* crosses zero (and MIN for none) */

    ops->store(x->cell, start);
    run_threads(down_body, x);

    CHECK(ops->load(x->cell) == ((start - total) & ops->mask), name,
          "final %" PRIu64, ops->load(x->cell));
    /* The new values are start-1 down to start-total. */
    check_exactly_once(name, x->results, start - total, ops->mask);
}

static void *swap_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;
    uint64_t *out = x->results[w->index];

    for (long i = 0; i < iters; i++) {
        uint64_t token = (uint64_t)w->index * iters + i + 1;

        out[i] = ops->swap(x->cell, token);
    }
    return NULL;
}

static void scenario_swap_conservation(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    size_t total = (size_t)NTHREADS * iters;
    unsigned char *count = xcalloc(total + 1, 1);
    uint64_t final;

    ops->store(x->cell, 0);
    run_threads(swap_body, x);

    /* Swapped out: the initial 0 and every token but the final one. */
    final = ops->load(x->cell);
    CHECK(final >= 1 && final <= total, name, "final %" PRIu64, final);
    if (final <= total)
        count[final]++;
    for (int t = 0; t < NTHREADS; t++)
        for (long i = 0; i < iters; i++)
            if (x->results[t][i] <= total)
                count[x->results[t][i]]++;
            else
                fail(name, "swapped out %" PRIu64 ", never swapped in",
                     x->results[t][i]);
    for (size_t k = 0; k <= total; k++)
        CHECK(count[k] == 1, name, "value %zu seen %d times", k, count[k]);
    free(count);
}

static void *cas_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;
    uint64_t *won = x->results[w->index];
    uint64_t expected = ops->load(x->cell);

    for (long i = 0; i < iters; i++) {
        if (w->index % 2) {
            /* Reload after every failure. */
            uint64_t seen;

            do
                seen = ops->load(x->cell);
            while (!ops->compare_and_swap(x->cell, seen, seen + 1));
            won[i] = seen + 1;
            continue;
        }

        /* Reuse the witness: correct only if it is the value really seen. */
        for (;;) {
            uint64_t seen = ops->compare_exchange(x->cell, expected,
                                                  expected + 1);

            if (seen == expected)
                break;
            expected = seen;
        }
        won[i] = ++expected;
    }
    return NULL;
}

static void scenario_cas_loops(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    uint64_t total = (uint64_t)NTHREADS * iters;

    ops->store(x->cell, 0);
    run_threads(cas_body, x);

    CHECK(ops->load(x->cell) == total, name, "total %" PRIu64,
          ops->load(x->cell));
    check_exactly_once(name, x->results, 1, ops->mask);
}

static void *extremes_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;
    uint64_t state = 0x9E3779B97F4A7C15u * (uint64_t)(w->index + 1);
    uint64_t *prev = x->results[w->index];
    uint64_t best = 0;

    for (long i = 0; i < iters; i++) {
        uint64_t v = next_random(&state) & ops->mask;

        if (i == 0 || less(ops, best, v))
            best = v;
        prev[i] = ops->fetch_max(x->cell, v);
        ops->fetch_min(x->cell2, v);
    }
    x->extra[w->index] = best;
    return NULL;
}

/* fetch_max on the scenario's cell and fetch_min on its second cell. */
static void scenario_extremes(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    void *low_cell = x->cell2;
    uint64_t middle = ops->is_signed ? 0 : max_of(ops) / 2;
    uint64_t best = middle, worst = middle;

    ops->store(x->cell, middle);
    ops->store(low_cell, middle);
    run_threads(extremes_body, x);

    /* Replay each thread's values to find the true minimum. */
    for (int t = 0; t < NTHREADS; t++) {
        uint64_t state = 0x9E3779B97F4A7C15u * (uint64_t)(t + 1);

        for (long i = 0; i < iters; i++) {
            uint64_t v = next_random(&state) & ops->mask;

            if (less(ops, v, worst))
                worst = v;
        }
        if (less(ops, best, x->extra[t]))
            best = x->extra[t];
        for (long i = 1; i < iters; i++)
            CHECK(!less(ops, x->results[t][i], x->results[t][i - 1]), name,
                  "thread %d saw the maximum shrink", t);
    }
    CHECK(ops->load(x->cell) == best, name, "max %" PRIu64 " != %" PRIu64,
          ops->load(x->cell), best);
    CHECK(ops->load(low_cell) == worst, name, "min %" PRIu64 " != %" PRIu64,
          ops->load(low_cell), worst);
}

static void *bits_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;
    uint64_t low = UINT64_C(1) << w->index;
    uint64_t high = UINT64_C(1) << (w->index + NTHREADS);
    int bad = 0;

    for (long i = 0; i < iters && !bad; i++) {
        bad |= (ops->fetch_or(x->cell, low) & low) != 0;
        bad |= (ops->fetch_and(x->cell, ~low & ops->mask) & low) == 0;
        bad |= (ops->fetch_xor(x->cell, high) & high) != 0;
        bad |= (ops->fetch_xor(x->cell, high) & high) == 0;
    }
    ops->fetch_or(x->cell, high);
    x->extra[w->index] = (uint64_t)bad;
    return NULL;
}

static void scenario_bits(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    uint64_t expected = 0;

    ops->store(x->cell, 0);
    run_threads(bits_body, x);

    for (int t = 0; t < NTHREADS; t++) {
        CHECK(!x->extra[t], name, "thread %d saw its own bits changed", t);
        expected |= UINT64_C(1) << (t + NTHREADS);
    }
    CHECK(ops->load(x->cell) == expected, name, "final %#" PRIx64,
          ops->load(x->cell));
}

/* A value whose two halves are equal, for torn-read detection. */
static uint64_t halves(const struct int_ops *ops, uint64_t k)
{
    int half = ops->bits / 2;
    uint64_t part = (k * UINT64_C(0x9E3779B1)) & ((UINT64_C(1) << half) - 1);

    return (part << half | part) & ops->mask;
}

static bool halves_match(const struct int_ops *ops, uint64_t v)
{
    int half = ops->bits / 2;
    uint64_t low_mask = (UINT64_C(1) << half) - 1;

    return ((v >> half) & low_mask) == (v & low_mask);
}

static void *torn_body(struct worker *w)
{
    struct int_ctx *x = w->ctx;
    const struct int_ops *ops = x->ops;
    uint64_t torn = 0;

    for (long i = 0; i < iters; i++) {
        uint64_t k = (uint64_t)i * NTHREADS + w->index;

        if (w->index < NTHREADS / 2) {
            ops->store(x->cell, halves(ops, k));
            torn += !halves_match(ops, ops->swap(x->cell, halves(ops, k + 1)));
        } else {
            torn += !halves_match(ops, ops->load(x->cell));
            torn += !halves_match(ops, ops->compare_exchange(
                                           x->cell, halves(ops, k),
                                           halves(ops, k + 2)));
            torn += !halves_match(ops, ops->fetch_or(x->cell, 0));
        }
    }
    x->extra[w->index] = torn;
    return NULL;
}

static void scenario_torn(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;

    ops->store(x->cell, 0);
    run_threads(torn_body, x);

    for (int t = 0; t < NTHREADS; t++)
        CHECK(x->extra[t] == 0, name, "thread %d saw %" PRIu64 " torn values",
              t, x->extra[t]);
    CHECK(halves_match(ops, ops->load(x->cell)), name, "final value torn");
}

/* Single-threaded: every operation at both ends of the range, so UBSan sees
   the wrap-around paths and the results match modular arithmetic. */
static void scenario_edges(const char *name, struct int_ctx *x)
{
    const struct int_ops *ops = x->ops;
    uint64_t max = max_of(ops), min = (max + 1) & ops->mask, m = ops->mask;
    void *c = x->cell;

    ops->store(c, max);
    CHECK(ops->increment(c) == min, name, "MAX + 1 != MIN");
    CHECK(ops->decrement(c) == max, name, "MIN - 1 != MAX");
    CHECK(ops->add(c, 1) == min && ops->load(c) == min, name, "add wrap");
    CHECK(ops->sub(c, 1) == max && ops->load(c) == max, name, "sub wrap");
    CHECK(ops->fetch_add(c, max) == max, name, "fetch_add previous");
    CHECK(ops->load(c) == ((max + max) & m), name, "fetch_add wrap");
    CHECK(ops->fetch_sub(c, max) == ((max + max) & m), name, "fetch_sub");
    CHECK(ops->load(c) == max, name, "fetch_sub wrap");
    CHECK(ops->add(c, min) == ((max + min) & m), name, "add MIN");
    CHECK(ops->sub(c, min) == max, name, "sub MIN");
    CHECK(ops->swap(c, min) == max && ops->load(c) == min, name, "swap");
    CHECK(ops->compare_exchange(c, max, 0) == min, name, "cex failure");
    CHECK(ops->load(c) == min, name, "cex failure wrote");
    CHECK(ops->compare_exchange(c, min, max) == min, name, "cex success");
    CHECK(ops->load(c) == max, name, "cex success did not write");
    CHECK(!ops->compare_and_swap(c, min, 0) && ops->load(c) == max, name,
          "cas failure");
    CHECK(ops->compare_and_swap(c, max, min) && ops->load(c) == min, name,
          "cas success");
    CHECK(ops->fetch_max(c, max) == min && ops->load(c) == max, name, "max");
    CHECK(ops->fetch_min(c, min) == max && ops->load(c) == min, name, "min");
    CHECK(ops->fetch_min(c, max) == min && ops->load(c) == min, name,
          "min no-op");
    /* Neighbouring values: a bound that differs from the cell by one. */
    ops->store(c, max - 1);
    CHECK(ops->fetch_max(c, max) == max - 1 && ops->load(c) == max, name,
          "max by one");
    CHECK(ops->fetch_min(c, max - 1) == max && ops->load(c) == max - 1,
          name, "min by one");
    ops->store(c, min);
    CHECK(ops->fetch_max(c, min + 1) == min && ops->load(c) == min + 1,
          name, "max by one at MIN");
    CHECK(ops->fetch_min(c, min) == min + 1 && ops->load(c) == min, name,
          "min by one at MIN");
    CHECK(ops->fetch_xor(c, m) == min && ops->load(c) == max, name, "xor");
    CHECK(ops->fetch_and(c, 0) == max && ops->load(c) == 0, name, "and");
    CHECK(ops->fetch_or(c, m) == 0 && ops->load(c) == m, name, "or");
}

/* -- bool scenarios -------------------------------------------------------- */

struct bool_ctx {
    bool *flag;
    long plain; /* guarded by the spin lock only */
    long counts[NTHREADS][2];
};

static void *bool_swap_body(struct worker *w)
{
    struct bool_ctx *x = w->ctx;
    uint64_t state = (uint64_t)w->index * 7919 + 1;
    long in = 0, out = 0;

    for (long i = 0; i < iters; i++) {
        bool v = next_random(&state) & 1;

        in += v;
        out += pa_bool_swap(x->flag, v);
    }
    x->counts[w->index][0] = in;
    x->counts[w->index][1] = out;
    return NULL;
}

static void scenario_bool_swap(const char *name, struct bool_ctx *x)
{
    long in = 0, out;

    pa_bool_store(x->flag, false);
    run_threads(bool_swap_body, x);

    out = pa_bool_load(x->flag);
    for (int t = 0; t < NTHREADS; t++) {
        in += x->counts[t][0];
        out += x->counts[t][1];
    }
    CHECK(in == out, name, "%ld trues swapped in, %ld out", in, out);
}

/*
 * A spin lock: acquire with a CAS (compare_and_swap or compare_exchange,
 * by thread), release with a store or a swap.  The seq_cst CAS that takes
 * the lock synchronises with the store that released it, so the plain
 * increments are ordered; TSan reports a race if they are not.
 */
static void *lock_body(struct worker *w)
{
    struct bool_ctx *x = w->ctx;

    for (long i = 0; i < iters; i++) {
        if (w->index % 2)
            while (!pa_bool_compare_and_swap(x->flag, false, true))
                sched_yield();
        else
            while (pa_bool_compare_exchange(x->flag, false, true))
                sched_yield();

        x->plain++;

        if (i % 2)
            pa_bool_store(x->flag, false);
        else if (!pa_bool_swap(x->flag, false))
            x->counts[w->index][0]++; /* released a lock we did not hold */
    }
    return NULL;
}

static void scenario_bool_lock(const char *name, struct bool_ctx *x)
{
    pa_bool_store(x->flag, false);
    x->plain = 0;
    memset(x->counts, 0, sizeof x->counts);
    run_threads(lock_body, x);

    CHECK(x->plain == (long)NTHREADS * iters, name, "counter %ld", x->plain);
    for (int t = 0; t < NTHREADS; t++)
        CHECK(x->counts[t][0] == 0, name, "thread %d found the lock free", t);
    CHECK(!pa_bool_load(x->flag), name, "lock left held");
}

/* -- pointer scenarios ----------------------------------------------------- */

struct node {
    struct node *next;
    long payload;
    int pops; /* written by the one thread whose pop won */
};

struct ptr_ctx {
    void **top;
    struct node *nodes; /* NTHREADS * iters, thread t pushes its own slice */
    long popped[NTHREADS];
    long payload_sum[NTHREADS];
    uintptr_t **results;
};

static void push(void **top, struct node *n, bool witness)
{
    uintptr_t seen = pa_ptr_load(top);

    /* n->next is written before the CAS that publishes n. */
    for (;;) {
        n->next = (struct node *)seen;
        if (!witness) {
            if (pa_ptr_compare_and_swap(top, seen, (uintptr_t)n))
                return;
            seen = pa_ptr_load(top);
            continue;
        }
        uintptr_t got = pa_ptr_compare_exchange(top, seen, (uintptr_t)n);

        if (got == seen)
            return;
        seen = got;
    }
}

/*
 * Pop is ABA-free here because no node is ever pushed twice: once a
 * node has been popped it never becomes the top again, so a CAS that
 * expects it to be the top can only succeed if nothing was popped since.
 */
static struct node *pop(void **top)
{
    uintptr_t seen = pa_ptr_load(top);

    while (seen != 0) {
        struct node *n = (struct node *)seen;
        uintptr_t got =
            pa_ptr_compare_exchange(top, seen, (uintptr_t)n->next);

        if (got == seen)
            return n;
        seen = got;
    }
    return NULL;
}

static void *stack_body(struct worker *w)
{
    struct ptr_ctx *x = w->ctx;
    struct node *mine = x->nodes + (size_t)w->index * iters;

    for (long i = 0; i < iters; i++) {
        mine[i].payload = (long)w->index * iters + i + 1;
        push(x->top, &mine[i], i % 2);
        if (i % 3 == 0) {
            struct node *n = pop(x->top);

            if (n != NULL) {
                n->pops++;
                x->popped[w->index]++;
                x->payload_sum[w->index] += n->payload;
            }
        }
    }
    return NULL;
}

static void scenario_stack(const char *name, struct ptr_ctx *x)
{
    size_t total = (size_t)NTHREADS * iters;
    long popped = 0, sum = 0, want = (long)(total * (total + 1) / 2);
    struct node *n;

    x->nodes = xcalloc(total, sizeof *x->nodes);
    pa_ptr_store(x->top, 0);
    memset(x->popped, 0, sizeof x->popped);
    memset(x->payload_sum, 0, sizeof x->payload_sum);
    run_threads(stack_body, x);

    while ((n = pop(x->top)) != NULL) {
        n->pops++;
        popped++;
        sum += n->payload;
    }
    for (int t = 0; t < NTHREADS; t++) {
        popped += x->popped[t];
        sum += x->payload_sum[t];
    }
    CHECK(popped == (long)total, name, "popped %ld of %zu", popped, total);
    CHECK(sum == want, name, "payload sum %ld, expected %ld", sum, want);
    for (size_t k = 0; k < total; k++)
        CHECK(x->nodes[k].pops == 1, name, "node %zu popped %d times", k,
              x->nodes[k].pops);
    free(x->nodes);
}

static void *ptr_swap_body(struct worker *w)
{
    struct ptr_ctx *x = w->ctx;
    struct node *mine = x->nodes + (size_t)w->index * iters;

    for (long i = 0; i < iters; i++)
        x->results[w->index][i] = pa_ptr_swap(x->top, (uintptr_t)&mine[i]);
    return NULL;
}

static void scenario_ptr_swap(const char *name, struct ptr_ctx *x)
{
    size_t total = (size_t)NTHREADS * iters;
    uintptr_t base, final;
    long nulls = 0;

    x->nodes = xcalloc(total, sizeof *x->nodes);
    x->results = xcalloc(NTHREADS, sizeof *x->results);
    for (int t = 0; t < NTHREADS; t++)
        x->results[t] = xcalloc((size_t)iters, sizeof **x->results);
    base = (uintptr_t)x->nodes;
    pa_ptr_store(x->top, 0);
    run_threads(ptr_swap_body, x);

    /* Count every address (NULL, the initial value, as well) in pops. */
    final = pa_ptr_load(x->top);
    CHECK(final != 0, name, "final NULL");
    if (final != 0)
        x->nodes[(final - base) / sizeof(struct node)].pops++;
    for (int t = 0; t < NTHREADS; t++) {
        for (long i = 0; i < iters; i++) {
            uintptr_t v = x->results[t][i];

            if (v == 0) {
                nulls++;
                continue;
            }
            if (v < base || v >= base + total * sizeof(struct node) ||
                (v - base) % sizeof(struct node)) {
                fail(name, "swapped out %#" PRIxPTR ", never swapped in", v);
                continue;
            }
            x->nodes[(v - base) / sizeof(struct node)].pops++;
        }
        free(x->results[t]);
    }
    CHECK(nulls == 1, name, "NULL swapped out %ld times", nulls);
    for (size_t k = 0; k < total; k++)
        CHECK(x->nodes[k].pops == 1, name, "address %zu seen %d times", k,
              x->nodes[k].pops);
    free(x->results);
    free(x->nodes);
}

/* -- main ------------------------------------------------------------------ */

static int passed, failed;

static void report(const char *name)
{
    if (scenario_failures) {
        failed++;
        fprintf(stderr, "FAIL %s (%d checks)\n", name, scenario_failures);
    } else {
        passed++;
    }
    scenario_failures = 0;
}

typedef void (*int_scenario)(const char *, struct int_ctx *);

static const struct {
    const char *name;
    int_scenario run;
} int_scenarios[] = {
    {"edges", scenario_edges},
    {"totals", scenario_totals},
    {"up_exactly_once", scenario_up_exactly_once},
    {"down_exactly_once", scenario_down_exactly_once},
    {"swap_conservation", scenario_swap_conservation},
    {"cas_loops", scenario_cas_loops},
    {"extremes", scenario_extremes},
    {"bits", scenario_bits},
    {"torn_reads", scenario_torn},
};

int main(int argc, char **argv)
{
    const char *env = getenv("PA_STRESS_ITERS");
    char name[96];

    if (argc > 1)
        iters = strtol(argv[1], NULL, 10);
    else if (env != NULL)
        iters = strtol(env, NULL, 10);
    if (iters < 8 || iters > 100000000) {
        fprintf(stderr, "usage: %s [ITERATIONS >= 8]\n", argv[0]);
        return 2;
    }
    printf("pyatomic C stress test %s: %d threads, %ld iterations, cells of "
           "%zu bytes\n",
           pa_version(), NTHREADS, iters, pa_cell_size());

    for (size_t k = 0; k < sizeof int_types / sizeof *int_types; k++) {
        const struct int_ops *ops = int_types[k];

        for (size_t s = 0; s < sizeof int_scenarios / sizeof *int_scenarios;
             s++) {
            for (int guarded = 0; guarded < 2; guarded++) {
                struct cell c = cell_open(ops->size, guarded);
                struct cell c2 = cell_open(ops->size, guarded);
                uint64_t extra[NTHREADS] = {0};
                struct int_ctx x = {ops, c.at, c2.at, results_new(), extra};

                snprintf(name, sizeof name, "%s/%s/%s", ops->name,
                         int_scenarios[s].name, guarded ? "guarded" : "cell");
                int_scenarios[s].run(name, &x);
                results_free(x.results);
                cell_close(name, &c);
                cell_close(name, &c2);
                report(name);
            }
        }
    }

    for (int guarded = 0; guarded < 2; guarded++) {
        struct cell c = cell_open(sizeof(bool), guarded);
        struct bool_ctx x = {.flag = c.at};

        snprintf(name, sizeof name, "bool/swap_conservation/%s",
                 guarded ? "guarded" : "cell");
        scenario_bool_swap(name, &x);
        report(name);
        snprintf(name, sizeof name, "bool/spin_lock/%s",
                 guarded ? "guarded" : "cell");
        scenario_bool_lock(name, &x);
        cell_close(name, &c);
        report(name);
    }

    for (int guarded = 0; guarded < 2; guarded++) {
        struct cell c = cell_open(sizeof(void *), guarded);
        struct ptr_ctx x = {.top = c.at};

        snprintf(name, sizeof name, "ptr/swap_conservation/%s",
                 guarded ? "guarded" : "cell");
        scenario_ptr_swap(name, &x);
        report(name);
        snprintf(name, sizeof name, "ptr/treiber_stack/%s",
                 guarded ? "guarded" : "cell");
        scenario_stack(name, &x);
        pa_ptr_store(x.top, 0);
        cell_close(name, &c);
        report(name);
    }

    CHECK(pa_is_lock_free(4) && pa_is_lock_free(8) &&
              pa_is_lock_free(sizeof(bool)) && !pa_is_lock_free(3),
          "lock_free", "pa_is_lock_free reports a lock");
    report("lock_free");

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
