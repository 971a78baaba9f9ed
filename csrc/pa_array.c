/*
 * pa_array.c - atomic arrays: per-element operations and batches.
 *
 * Each per-element operation forwards to the scalar operation of pyatomic.c
 * on base + index, so an array element behaves exactly like an atomic
 * scalar (one implementation of every operation, one set of arguments about
 * wrap-around and lock-freedom, made there).
 *
 * Batches validate before they write.  add_at and fetch_add_at first scan
 * every index and return early, having touched nothing, if one is out of
 * range; only then do they apply the updates.  The apply loop normalises
 * each index again and skips any that is out of range.  pyatomic passes
 * either a private packed copy of the indices or, on its fast path, the
 * caller's own int64 buffer, which another thread of the caller could
 * change between the two scans: that race gives a wrong histogram, but
 * never a write outside the array.
 */
#include "pa_array.h"

#include "pyatomic.h"


/*
 * Map a Python-style index into [0, length), or return length when it is
 * out of range.  length never exceeds PY_SSIZE_T_MAX (it counts elements of
 * a Python buffer), so it converts to int64_t without loss.
 */
static size_t pa_normalise(int64_t index, size_t length)
{
    int64_t n = (int64_t)length;

    if (index < 0)
        index += n;
    if (index < 0 || index >= n)
        return length;
    return (size_t)index;
}

/* Position of the first index out of range, or count if there is none. */
static size_t pa_check_indices(const int64_t *indices, size_t count,
                               size_t length)
{
    for (size_t k = 0; k < count; k++) {
        if (pa_normalise(indices[k], length) == length)
            return k;
    }
    return count;
}

#define PA_DEFINE_ARRAY(K, T)                                                 \
    T pa_##K##a_load(T *base, size_t index)                                   \
    {                                                                         \
        return pa_##K##_load(base + index);                                   \
    }                                                                         \
                                                                              \
    void pa_##K##a_store(T *base, size_t index, T value)                      \
    {                                                                         \
        pa_##K##_store(base + index, value);                                  \
    }                                                                         \
                                                                              \
    T pa_##K##a_swap(T *base, size_t index, T value)                          \
    {                                                                         \
        return pa_##K##_swap(base + index, value);                            \
    }                                                                         \
                                                                              \
    bool pa_##K##a_compare_and_swap(T *base, size_t index, T expected,        \
                                    T desired)                                \
    {                                                                         \
        return pa_##K##_compare_and_swap(base + index, expected, desired);    \
    }                                                                         \
                                                                              \
    T pa_##K##a_compare_exchange(T *base, size_t index, T expected,           \
                                 T desired)                                   \
    {                                                                         \
        return pa_##K##_compare_exchange(base + index, expected, desired);    \
    }                                                                         \
                                                                              \
    T pa_##K##a_fetch_add(T *base, size_t index, T delta)                     \
    {                                                                         \
        return pa_##K##_fetch_add(base + index, delta);                       \
    }                                                                         \
                                                                              \
    T pa_##K##a_fetch_sub(T *base, size_t index, T delta)                     \
    {                                                                         \
        return pa_##K##_fetch_sub(base + index, delta);                       \
    }                                                                         \
                                                                              \
    T pa_##K##a_fetch_and(T *base, size_t index, T mask)                      \
    {                                                                         \
        return pa_##K##_fetch_and(base + index, mask);                        \
    }                                                                         \
                                                                              \
    T pa_##K##a_fetch_or(T *base, size_t index, T mask)                       \
    {                                                                         \
        return pa_##K##_fetch_or(base + index, mask);                         \
    }                                                                         \
                                                                              \
    T pa_##K##a_fetch_xor(T *base, size_t index, T mask)                      \
    {                                                                         \
        return pa_##K##_fetch_xor(base + index, mask);                        \
    }                                                                         \
                                                                              \
    T pa_##K##a_fetch_max(T *base, size_t index, T value)                     \
    {                                                                         \
        return pa_##K##_fetch_max(base + index, value);                       \
    }                                                                         \
                                                                              \
    T pa_##K##a_fetch_min(T *base, size_t index, T value)                     \
    {                                                                         \
        return pa_##K##_fetch_min(base + index, value);                       \
    }                                                                         \
                                                                              \
    T pa_##K##a_add(T *base, size_t index, T delta)                           \
    {                                                                         \
        return pa_##K##_add(base + index, delta);                             \
    }                                                                         \
                                                                              \
    T pa_##K##a_sub(T *base, size_t index, T delta)                           \
    {                                                                         \
        return pa_##K##_sub(base + index, delta);                             \
    }                                                                         \
                                                                              \
    T pa_##K##a_increment(T *base, size_t index)                              \
    {                                                                         \
        return pa_##K##_increment(base + index);                              \
    }                                                                         \
                                                                              \
    T pa_##K##a_decrement(T *base, size_t index)                              \
    {                                                                         \
        return pa_##K##_decrement(base + index);                              \
    }                                                                         \
                                                                              \
    size_t pa_##K##a_add_at(T *base, size_t length, const int64_t *indices,   \
                            const T *deltas, size_t stride, size_t count)     \
    {                                                                         \
        size_t bad = pa_check_indices(indices, count, length);                \
                                                                              \
        if (bad != count)                                                     \
            return bad;                                                       \
                                                                              \
        for (size_t k = 0; k < count; k++) {                                  \
            size_t i = pa_normalise(indices[k], length);                      \
                                                                              \
            if (i != length)                                                  \
                pa_##K##_fetch_add(base + i, deltas[k * stride]);             \
        }                                                                     \
        return count;                                                         \
    }                                                                         \
                                                                              \
    size_t pa_##K##a_fetch_add_at(T *base, size_t length,                     \
                                  const int64_t *indices, const T *deltas,    \
                                  size_t stride, size_t count, T *previous)   \
    {                                                                         \
        size_t bad = pa_check_indices(indices, count, length);                \
                                                                              \
        if (bad != count)                                                     \
            return bad;                                                       \
                                                                              \
        for (size_t k = 0; k < count; k++) {                                  \
            size_t i = pa_normalise(indices[k], length);                      \
                                                                              \
            T seen = 0;                                                       \
                                                                              \
            if (i != length)                                                  \
                seen = pa_##K##_fetch_add(base + i, deltas[k * stride]);      \
            previous[k] = seen;                                               \
        }                                                                     \
        return count;                                                         \
    }                                                                         \
                                                                              \
    void pa_##K##a_load_all(T *base, size_t length, T *out)                   \
    {                                                                         \
        for (size_t i = 0; i < length; i++)                                   \
            out[i] = pa_##K##_load(base + i);                                 \
    }                                                                         \
                                                                              \
    void pa_##K##a_store_all(T *base, size_t length, const T *values)         \
    {                                                                         \
        for (size_t i = 0; i < length; i++)                                   \
            pa_##K##_store(base + i, values[i]);                              \
    }

PA_DEFINE_ARRAY(i32, int32_t)
PA_DEFINE_ARRAY(i64, int64_t)
PA_DEFINE_ARRAY(u32, uint32_t)
PA_DEFINE_ARRAY(u64, uint64_t)
