/*
 * pyatomic.c - C11 atomic operations on cells, for the cffi binding.
 *
 * The prototypes in pyatomic.h use plain types so that cffi can parse them;
 * here each cell is reinterpreted as the matching _Atomic type.  That is
 * sound only where the _Atomic type has the size and alignment of the plain
 * one, which the static assertions below check for this compiler and target.
 *
 * Every operation uses the default memory order, memory_order_seq_cst.
 */
#include "pyatomic.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#ifndef PA_VERSION_STR
#error "PA_VERSION_STR must be defined by the build (see pyatomic/_build.py)"
#endif

/*
 * Two cells must never share a cache line.  x86-64 and AArch64 cores fetch
 * lines in adjacent pairs, so a 64-byte line still sees false sharing from
 * its neighbour; 128 bytes keeps neighbours apart on both.
 */
#if defined(__x86_64__) || defined(__aarch64__) || defined(__powerpc64__)
#define PA_CELL_SIZE 128
#else
#define PA_CELL_SIZE 64
#endif

#define PA_SAME_LAYOUT(plain, atomic)                                         \
    _Static_assert(sizeof(plain) == sizeof(atomic) &&                         \
                       _Alignof(plain) == _Alignof(atomic),                   \
                   #atomic " must have the layout of " #plain)

PA_SAME_LAYOUT(int32_t, _Atomic int32_t);
PA_SAME_LAYOUT(int64_t, _Atomic int64_t);
PA_SAME_LAYOUT(uint32_t, _Atomic uint32_t);
PA_SAME_LAYOUT(uint64_t, _Atomic uint64_t);
PA_SAME_LAYOUT(bool, _Atomic bool);
PA_SAME_LAYOUT(void *, _Atomic(void *));
_Static_assert(PA_CELL_SIZE % _Alignof(max_align_t) == 0,
               "a cell must be able to hold any scalar");

const char *pa_version(void) { return PA_VERSION_STR; }

size_t pa_cell_size(void) { return PA_CELL_SIZE; }

void *pa_cell_new(void)
{
    void *cell = aligned_alloc(PA_CELL_SIZE, PA_CELL_SIZE);

    if (cell != NULL)
        memset(cell, 0, PA_CELL_SIZE);
    return cell;
}

void pa_cell_free(void *cell) { free(cell); }

/*
 * pyatomic promises lock-free operations, so the build refuses a target
 * where any cell type would fall back to a lock (libatomic).  The value 2
 * means "always lock-free" (C11 7.17.1).
 */
#if ATOMIC_BOOL_LOCK_FREE != 2 || ATOMIC_INT_LOCK_FREE != 2 ||                \
    ATOMIC_LLONG_LOCK_FREE != 2 || ATOMIC_POINTER_LOCK_FREE != 2
#error "pyatomic needs always-lock-free bool, int, long long and pointers"
#endif
_Static_assert(sizeof(int) == 4 && sizeof(long long) == 8,
               "int must be 32 bits and long long 64 bits");

bool pa_is_lock_free(size_t size)
{
    switch (size) {
    case sizeof(bool):
        return ATOMIC_BOOL_LOCK_FREE == 2;
    case 4:
        return ATOMIC_INT_LOCK_FREE == 2;
    case 8:
        return ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_POINTER_LOCK_FREE == 2;
    default:
        return false;
    }
}

/*
 * Integer operations, generated once per width.  The arithmetic that
 * produces a *new* value (add, sub, increment, decrement) is done in the
 * unsigned type UT so that signed wrap-around is not undefined behaviour;
 * converting the result back to T is implementation-defined in C11 and is
 * modulo 2^bits on every compiler pyatomic supports (GCC and Clang document
 * it).  fetch_max and fetch_min have no C11 primitive and use a strong CAS
 * loop: it exits when the cell already satisfies the bound or when our CAS
 * installed it, so it is lock-free (some thread always makes progress).
 */
#define PA_DEFINE_INT(K, T, UT)                                               \
    T pa_##K##_load(T *cell) { return atomic_load((_Atomic T *)cell); }       \
                                                                              \
    void pa_##K##_store(T *cell, T value)                                     \
    {                                                                         \
        atomic_store((_Atomic T *)cell, value);                               \
    }                                                                         \
                                                                              \
    T pa_##K##_swap(T *cell, T value)                                         \
    {                                                                         \
        return atomic_exchange((_Atomic T *)cell, value);                     \
    }                                                                         \
                                                                              \
    bool pa_##K##_compare_and_swap(T *cell, T expected, T desired)            \
    {                                                                         \
        return atomic_compare_exchange_strong((_Atomic T *)cell, &expected,   \
                                              desired);                       \
    }                                                                         \
                                                                              \
    T pa_##K##_compare_exchange(T *cell, T expected, T desired)               \
    {                                                                         \
        /* On failure C11 writes the witnessed value into `expected`; on     \
           success it is left equal to the old value.  Either way it is    \
           what the cell held just before the operation. */                 \
        atomic_compare_exchange_strong((_Atomic T *)cell, &expected,          \
                                       desired);                              \
        return expected;                                                      \
    }                                                                         \
                                                                              \
    T pa_##K##_fetch_add(T *cell, T delta)                                    \
    {                                                                         \
        return atomic_fetch_add((_Atomic T *)cell, delta);                    \
    }                                                                         \
                                                                              \
    T pa_##K##_fetch_sub(T *cell, T delta)                                    \
    {                                                                         \
        return atomic_fetch_sub((_Atomic T *)cell, delta);                    \
    }                                                                         \
                                                                              \
    T pa_##K##_fetch_and(T *cell, T mask)                                     \
    {                                                                         \
        return atomic_fetch_and((_Atomic T *)cell, mask);                     \
    }                                                                         \
                                                                              \
    T pa_##K##_fetch_or(T *cell, T mask)                                      \
    {                                                                         \
        return atomic_fetch_or((_Atomic T *)cell, mask);                      \
    }                                                                         \
                                                                              \
    T pa_##K##_fetch_xor(T *cell, T mask)                                     \
    {                                                                         \
        return atomic_fetch_xor((_Atomic T *)cell, mask);                     \
    }                                                                         \
                                                                              \
    T pa_##K##_fetch_max(T *cell, T value)                                    \
    {                                                                         \
        T seen = atomic_load((_Atomic T *)cell);                              \
                                                                              \
        while (seen < value &&                                                \
               !atomic_compare_exchange_strong((_Atomic T *)cell, &seen,      \
                                               value))                        \
            ;                                                                 \
        return seen;                                                          \
    }                                                                         \
                                                                              \
    T pa_##K##_fetch_min(T *cell, T value)                                    \
    {                                                                         \
        T seen = atomic_load((_Atomic T *)cell);                              \
                                                                              \
        while (seen > value &&                                                \
               !atomic_compare_exchange_strong((_Atomic T *)cell, &seen,      \
                                               value))                        \
            ;                                                                 \
        return seen;                                                          \
    }                                                                         \
                                                                              \
    T pa_##K##_add(T *cell, T delta)                                          \
    {                                                                         \
        UT old = (UT)atomic_fetch_add((_Atomic T *)cell, delta);              \
                                                                              \
        return (T)(old + (UT)delta);                                          \
    }                                                                         \
                                                                              \
    T pa_##K##_sub(T *cell, T delta)                                          \
    {                                                                         \
        UT old = (UT)atomic_fetch_sub((_Atomic T *)cell, delta);              \
                                                                              \
        return (T)(old - (UT)delta);                                          \
    }                                                                         \
                                                                              \
    T pa_##K##_increment(T *cell)                                             \
    {                                                                         \
        UT old = (UT)atomic_fetch_add((_Atomic T *)cell, 1);                  \
                                                                              \
        return (T)(old + 1u);                                                 \
    }                                                                         \
                                                                              \
    T pa_##K##_decrement(T *cell)                                             \
    {                                                                         \
        UT old = (UT)atomic_fetch_sub((_Atomic T *)cell, 1);                  \
                                                                              \
        return (T)(old - 1u);                                                 \
    }

PA_DEFINE_INT(i32, int32_t, uint32_t)
PA_DEFINE_INT(i64, int64_t, uint64_t)
PA_DEFINE_INT(u32, uint32_t, uint32_t)
PA_DEFINE_INT(u64, uint64_t, uint64_t)

/*
 * A bool cell is one byte, and any nonzero byte reads as true.  pyatomic
 * itself only ever writes 0 and 1, but a view made by from_buffer() may sit
 * on a byte holding anything, so the operations interpret the byte instead
 * of comparing it bit for bit: with a byte of 2, load() is true and
 * compare_and_swap(true, false) succeeds.  The compare operations are
 * therefore a loop around a byte CAS; it only repeats when another thread
 * changed the byte between our load and our CAS, so it is lock-free.
 */
_Static_assert(sizeof(bool) == 1, "bool must be one byte");

bool pa_bool_load(bool *cell)
{
    return atomic_load((_Atomic uint8_t *)cell) != 0;
}

void pa_bool_store(bool *cell, bool value)
{
    atomic_store((_Atomic uint8_t *)cell, value);
}

bool pa_bool_swap(bool *cell, bool value)
{
    return atomic_exchange((_Atomic uint8_t *)cell, value) != 0;
}

bool pa_bool_compare_exchange(bool *cell, bool expected, bool desired)
{
    _Atomic uint8_t *byte = (_Atomic uint8_t *)cell;
    uint8_t seen = atomic_load(byte);

    /* On failure the CAS refreshes `seen`; stop once it reads as the other
       truth value (a real mismatch) or the CAS installed `desired`. */
    while ((seen != 0) == expected &&
           !atomic_compare_exchange_strong(byte, &seen, desired))
        ;
    return seen != 0;
}

bool pa_bool_compare_and_swap(bool *cell, bool expected, bool desired)
{
    return pa_bool_compare_exchange(cell, expected, desired) == expected;
}

uintptr_t pa_ptr_load(void **cell)
{
    return (uintptr_t)atomic_load((_Atomic(void *) *)cell);
}

void pa_ptr_store(void **cell, uintptr_t value)
{
    atomic_store((_Atomic(void *) *)cell, (void *)value);
}

uintptr_t pa_ptr_swap(void **cell, uintptr_t value)
{
    return (uintptr_t)atomic_exchange((_Atomic(void *) *)cell, (void *)value);
}

bool pa_ptr_compare_and_swap(void **cell, uintptr_t expected,
                             uintptr_t desired)
{
    void *seen = (void *)expected;

    return atomic_compare_exchange_strong((_Atomic(void *) *)cell, &seen,
                                          (void *)desired);
}

uintptr_t pa_ptr_compare_exchange(void **cell, uintptr_t expected,
                                  uintptr_t desired)
{
    void *seen = (void *)expected;

    atomic_compare_exchange_strong((_Atomic(void *) *)cell, &seen,
                                   (void *)desired);
    return (uintptr_t)seen;
}
