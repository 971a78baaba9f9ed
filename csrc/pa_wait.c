/*
 * pa_wait.c - wait/notify on 32-bit and bool cells.
 *
 * Every wait is reduced to waiting on an aligned 32-bit *word*: the cell
 * itself for int32/uint32, waiting while word == expected; for a bool the
 * aligned word that contains its byte, with `mask` selecting that byte,
 * waiting while ((word & mask) != 0) == expected.  A bool byte holding any
 * nonzero value is True, as everywhere else in pyatomic, so a byte that goes
 * from 1 to 2 is no change and a byte holding 2 does not differ from True.
 *
 * Reading past a bool.  The futex needs the whole word, and so does the
 * check before it: for a bool at offset k of its word, the load also reads
 * the 3 other bytes of the word, which may lie before the start or past the
 * end of the caller's buffer (a bool view on the last byte of a bytearray
 * reads up to 3 bytes after it).  That read cannot fault: the word is
 * 4-aligned, so it lies within one page (pages are multiples of 4 bytes),
 * and the page holds the bool's own byte, so it is mapped and readable.  Its
 * value cannot matter: the other bytes are masked away, and a change in
 * them only wakes the waiter, which re-checks its own byte and sleeps again.
 * Nothing is ever written there.  A memory checker that tracks allocations
 * byte by byte still calls it an overread (AddressSanitizer reports a
 * heap-buffer-overflow of size 4), so the one function that does this read,
 * load_bool_word, is excluded from AddressSanitizer; every other access in
 * this file stays checked.
 *
 * No lost wake-up.  The classic race is: the waiter sees value == expected,
 * the notifier changes the value and notifies, and only then the waiter
 * goes to sleep, for ever.
 *
 *  - Linux: FUTEX_WAIT compares the word with the value the waiter saw and
 *    queues the waiter atomically with respect to FUTEX_WAKE on that word.
 *    If the notifier's store came first the compare fails (EAGAIN) and we
 *    re-check; if it came after, the waiter is queued before the wake and
 *    is woken.
 *
 *  - Private cells also skip the FUTEX_WAKE system call when no thread of
 *    this process waits on a word of the same bucket.  A waiter increments
 *    its bucket's counter *before* its first check of the value, and a
 *    notifier reads the counter *after* its change of the value; all four
 *    accesses are seq_cst, so in their single total order either the
 *    notifier's read follows the increment (it sees a waiter and wakes), or
 *    it precedes it, and then the change precedes the waiter's check, which
 *    sees the new value and does not sleep.  This is the Dekker pattern; it
 *    needs the change itself to be a seq_cst atomic operation, which every
 *    pyatomic operation is.  (For a bool the change is a byte store and
 *    the check a word load: mixed-size atomics lie outside C11's model, but
 *    the x86-64 and AArch64 memory models, defined per byte, order them as
 *    argued.)  Shared cells cannot use the counter (a waiter in another
 *    process increments *its* table), so they always wake.  After fork()
 *    the child inherits counts of threads it does not have: they only cost
 *    it needless FUTEX_WAKE calls.
 *
 *  - Fallback (not Linux, or built with -DPA_WAIT_NO_FUTEX): a table of
 *    mutex + condition variable buckets keyed by the word's address.  The
 *    waiter checks the value and goes to sleep while holding the bucket's
 *    mutex; the notifier takes the same mutex after its change, so it either
 *    runs before the waiter's check (which then sees the change) or after
 *    the waiter is asleep on the condition (and the broadcast wakes it).
 *    Buckets are shared by unrelated words, so notify always broadcasts.
 *    A process cannot wake a condition variable of another process, so
 *    shared cells in the fallback also re-check every millisecond.
 */
#define _GNU_SOURCE
#include "pa_wait.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#if defined(__linux__) && !defined(PA_WAIT_NO_FUTEX)
#define PA_USE_FUTEX 1
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#else
#define PA_USE_FUTEX 0
#include <pthread.h>
#endif

#define PA_NS_PER_S 1000000000LL
#define PA_WAIT_BUCKETS 64

_Static_assert(sizeof(_Atomic uint32_t) == 4 &&
                   _Alignof(_Atomic uint32_t) == 4,
               "a futex word must be a plain 4-byte, 4-aligned integer");

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * PA_NS_PER_S + ts.tv_nsec;
}

/* The monotonic time `timeout_ns` from now, saturating instead of
   overflowing; a negative timeout means "now". */
static int64_t deadline_after(int64_t timeout_ns)
{
    int64_t start = now_ns();

    if (timeout_ns <= 0)
        return start;
    return timeout_ns > INT64_MAX - start ? INT64_MAX : start + timeout_ns;
}

/* Fibonacci hashing of the word address; words are 4-aligned. */
static size_t bucket_index(const void *word)
{
    uint64_t a = (uint64_t)(uintptr_t)word >> 2;

    return (size_t)((a * 0x9E3779B97F4A7C15u) >> 58) % PA_WAIT_BUCKETS;
}

/* The aligned word holding a bool, and the mask of its byte, built through
   bytes so that the result does not depend on endianness. */
static uint32_t *bool_word(bool *cell, uint32_t *mask)
{
    uintptr_t address = (uintptr_t)cell;
    unsigned char bytes[4] = {0, 0, 0, 0};

    bytes[address & 3] = 0xFF;
    memcpy(mask, bytes, 4);
    return (uint32_t *)(address & ~(uintptr_t)3);
}

#if defined(__GNUC__) || defined(__clang__)
#define PA_NO_ASAN __attribute__((no_sanitize_address, noinline))
#else
#define PA_NO_ASAN
#endif

/* The load of a bool's whole word, which may reach up to 3 bytes past
   either end of the bool's buffer: safe, as the file comment argues, but
   not to AddressSanitizer, from which this function alone is excluded
   (noinline keeps the exclusion from being lost to inlining). */
PA_NO_ASAN static uint32_t load_bool_word(uint32_t *word)
{
    return atomic_load((_Atomic uint32_t *)word);
}

/* The current word, and whether it still holds the value waited for:
   word == want for a 32-bit cell; for a bool (mask != UINT32_MAX) the
   truth of its byte, (word & mask) != 0, equal to `want` (0 or 1). */
static bool still_holds(uint32_t *word, uint32_t mask, uint32_t want,
                        uint32_t *seen)
{
    if (mask == UINT32_MAX) {
        *seen = atomic_load((_Atomic uint32_t *)word);
        return *seen == want;
    }
    *seen = load_bool_word(word);
    return ((*seen & mask) != 0) == (want != 0);
}

#if PA_USE_FUTEX

/* One waiter counter per 64-byte line, so that counting does not bounce
   a line between unrelated words. */
static struct {
    _Atomic uint32_t waiters;
    char pad[64 - sizeof(_Atomic uint32_t)];
} buckets[PA_WAIT_BUCKETS];

static long futex(uint32_t *word, int op, uint32_t value,
                  const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

static int wait_word(uint32_t *word, uint32_t mask, uint32_t want,
                     int64_t timeout_ns, bool shared)
{
    _Atomic uint32_t *counter = &buckets[bucket_index(word)].waiters;
    int op = shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE;
    int64_t deadline = deadline_after(timeout_ns);
    int result;

    if (!shared)
        atomic_fetch_add(counter, 1);

    for (;;) {
        uint32_t seen;
        int64_t left;
        struct timespec ts;

        if (!still_holds(word, mask, want, &seen)) {
            result = 1;
            break;
        }
        left = deadline - now_ns();
        if (left <= 0) {
            result = 0;
            break;
        }

        /* Sleep only while the word still holds `seen`.  A wake-up, an
           EAGAIN (the word changed, maybe only in another byte) or a
           timeout all go back to the check above. */
        ts.tv_sec = (time_t)(left / PA_NS_PER_S);
        ts.tv_nsec = (long)(left % PA_NS_PER_S);
        if (futex(word, op, seen, &ts) == -1 && errno == EINTR) {
            result = -1;
            break;
        }
    }

    if (!shared)
        atomic_fetch_sub(counter, 1);
    return result;
}

static void notify_word(uint32_t *word, bool all, bool shared)
{
    if (!shared &&
        atomic_load(&buckets[bucket_index(word)].waiters) == 0)
        return;

    futex(word, shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE,
          all ? (uint32_t)INT_MAX : 1u, NULL);
}

#else /* portable fallback */

#if defined(__APPLE__)
#define PA_COND_CLOCK CLOCK_REALTIME /* no pthread_condattr_setclock */
#else
#define PA_COND_CLOCK CLOCK_MONOTONIC
#endif

/* A shared cell may be changed by another process, which cannot signal
   our condition variables: re-check it at this interval. */
#define PA_SHARED_POLL_NS 1000000LL
#define PA_MAX_SLEEP_NS (3600 * PA_NS_PER_S)

static struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    unsigned waiters; /* guarded by mutex */
} buckets[PA_WAIT_BUCKETS];

static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

/* fork() copies only the calling thread: a bucket mutex that another thread
   held at that moment would stay locked in the child for ever.  Holding all
   of them across fork() (always in index order, and a thread never holds
   two otherwise, so this cannot deadlock) makes the copy consistent. */
static void buckets_lock_all(void)
{
    size_t i;

    for (i = 0; i < PA_WAIT_BUCKETS; i++)
        pthread_mutex_lock(&buckets[i].mutex);
}

static void buckets_unlock_all(void)
{
    size_t i;

    for (i = PA_WAIT_BUCKETS; i-- > 0;)
        pthread_mutex_unlock(&buckets[i].mutex);
}

static void buckets_init_conds(void)
{
    pthread_condattr_t attr;
    size_t i;

    pthread_condattr_init(&attr);
#if !defined(__APPLE__)
    pthread_condattr_setclock(&attr, PA_COND_CLOCK);
#endif
    for (i = 0; i < PA_WAIT_BUCKETS; i++) {
        pthread_cond_init(&buckets[i].cond, &attr);
        buckets[i].waiters = 0;
    }
    pthread_condattr_destroy(&attr);
}

/* In the child the waiters of the parent do not exist; a condition
   variable that still counts them could block a broadcast, so the child
   starts its conditions afresh. */
static void buckets_after_fork_in_child(void)
{
    buckets_unlock_all();
    buckets_init_conds();
}

static void buckets_init(void)
{
    size_t i;

    for (i = 0; i < PA_WAIT_BUCKETS; i++)
        pthread_mutex_init(&buckets[i].mutex, NULL);
    buckets_init_conds();
    pthread_atfork(buckets_lock_all, buckets_unlock_all,
                   buckets_after_fork_in_child);
}

static int wait_word(uint32_t *word, uint32_t mask, uint32_t want,
                     int64_t timeout_ns, bool shared)
{
    size_t i = bucket_index(word);
    int64_t deadline = deadline_after(timeout_ns);
    int result;

    pthread_once(&buckets_once, buckets_init);
    pthread_mutex_lock(&buckets[i].mutex);
    buckets[i].waiters++;

    for (;;) {
        uint32_t seen;
        int64_t left, until;
        struct timespec ts;

        if (!still_holds(word, mask, want, &seen)) {
            result = 1;
            break;
        }
        left = deadline - now_ns();
        if (left <= 0) {
            result = 0;
            break;
        }

        /* The mutex is held from the check to the sleep, so a notifier
           (which takes it after its change) cannot slip in between. */
        if (shared && left > PA_SHARED_POLL_NS)
            left = PA_SHARED_POLL_NS;
        else if (left > PA_MAX_SLEEP_NS)
            left = PA_MAX_SLEEP_NS; /* keeps `until` from overflowing */
        clock_gettime(PA_COND_CLOCK, &ts);
        until = (int64_t)ts.tv_sec * PA_NS_PER_S + ts.tv_nsec + left;
        ts.tv_sec = (time_t)(until / PA_NS_PER_S);
        ts.tv_nsec = (long)(until % PA_NS_PER_S);
        pthread_cond_timedwait(&buckets[i].cond, &buckets[i].mutex, &ts);
    }

    buckets[i].waiters--;
    pthread_mutex_unlock(&buckets[i].mutex);
    return result;
}

static void notify_word(uint32_t *word, bool all, bool shared)
{
    size_t i = bucket_index(word);

    (void)all; /* a bucket mixes words: waking one could pick the wrong */
    (void)shared;

    pthread_once(&buckets_once, buckets_init);
    pthread_mutex_lock(&buckets[i].mutex);
    if (buckets[i].waiters != 0)
        pthread_cond_broadcast(&buckets[i].cond);
    pthread_mutex_unlock(&buckets[i].mutex);
}

#endif /* PA_USE_FUTEX */

int pa_wait_uses_futex(void) { return PA_USE_FUTEX; }

int pa_i32_wait(int32_t *cell, int32_t expected, int64_t timeout_ns,
                bool shared)
{
    uint32_t want;

    memcpy(&want, &expected, 4);
    return wait_word((uint32_t *)cell, UINT32_MAX, want, timeout_ns, shared);
}

int pa_u32_wait(uint32_t *cell, uint32_t expected, int64_t timeout_ns,
                bool shared)
{
    return wait_word(cell, UINT32_MAX, expected, timeout_ns, shared);
}

int pa_bool_wait(bool *cell, bool expected, int64_t timeout_ns, bool shared)
{
    uint32_t mask;
    uint32_t *word = bool_word(cell, &mask);

    return wait_word(word, mask, expected ? 1u : 0u, timeout_ns, shared);
}

void pa_i32_notify(int32_t *cell, bool all, bool shared)
{
    notify_word((uint32_t *)cell, all, shared);
}

void pa_u32_notify(uint32_t *cell, bool all, bool shared)
{
    notify_word(cell, all, shared);
}

void pa_bool_notify(bool *cell, bool all, bool shared)
{
    uint32_t mask;

    notify_word(bool_word(cell, &mask), all, shared);
}
