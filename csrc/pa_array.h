/*
 * pa_array.h - atomic arrays: per-element operations and batches.
 *
 * Read by the C compiler and (without its '#' lines) by cffi's cdef, like
 * pyatomic.h: plain fixed-width types and prototypes only.
 *
 * An array is `length` naturally aligned elements starting at `base`.
 * Naming: pa_<kind>a_<verb>, kind one of i32 i64 u32 u64.
 *
 * Per-element operations take (base, index) and are exactly the scalar
 * operation pa_<kind>_<verb> of pyatomic.h on base + index: same result,
 * same sequentially consistent ordering, same wrap-around.  The index is
 * NOT checked here; the caller (pyatomic/_array.py) has already checked
 * 0 <= index < length.  Taking the index in C saves Python a pointer
 * addition (a new cdata object) per call.
 *
 * Batch operations do many element updates in one call, so that the cost of
 * crossing from Python into C is paid once per batch:
 *   add_at(base, length, indices, deltas, stride, count)
 *       for k in [0, count): atomically add deltas[k * stride] to element
 *       indices[k]; stride 0 adds one delta everywhere.  Indices may be
 *       negative and count from the end, as in Python.  Returns count when
 *       every index is in [-length, length); otherwise returns the position
 *       of the first bad index and has touched NO element.
 *   fetch_add_at(..., previous)
 *       the same, also writing the value each update replaced to
 *       previous[k].
 *   load_all / store_all
 *       one atomic load / store per element, in index order.  This is not
 *       one atomic snapshot of the whole array: other threads may update
 *       elements between two of the loads.
 * Each element update of a batch is one atomic read-modify-write, so
 * concurrent batches and single operations on the same elements never lose
 * an update; a batch as a whole is not atomic.
 */
#ifndef PA_ARRAY_H
#define PA_ARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An owned array's memory is the caller's: pyatomic allocates it with
   ffi.new (see new_block in pyatomic/_base.py), aligned to and padded to
   pa_cell_size(), and passes its base to every function below. */

/* int32_t */
int32_t pa_i32a_load(int32_t *base, size_t index);
void pa_i32a_store(int32_t *base, size_t index, int32_t value);
int32_t pa_i32a_swap(int32_t *base, size_t index, int32_t value);
bool pa_i32a_compare_and_swap(int32_t *base, size_t index, int32_t expected,
                              int32_t desired);
int32_t pa_i32a_compare_exchange(int32_t *base, size_t index, int32_t expected,
                                 int32_t desired);
int32_t pa_i32a_fetch_add(int32_t *base, size_t index, int32_t delta);
int32_t pa_i32a_fetch_sub(int32_t *base, size_t index, int32_t delta);
int32_t pa_i32a_fetch_and(int32_t *base, size_t index, int32_t mask);
int32_t pa_i32a_fetch_or(int32_t *base, size_t index, int32_t mask);
int32_t pa_i32a_fetch_xor(int32_t *base, size_t index, int32_t mask);
int32_t pa_i32a_fetch_max(int32_t *base, size_t index, int32_t value);
int32_t pa_i32a_fetch_min(int32_t *base, size_t index, int32_t value);
int32_t pa_i32a_add(int32_t *base, size_t index, int32_t delta);
int32_t pa_i32a_sub(int32_t *base, size_t index, int32_t delta);
int32_t pa_i32a_increment(int32_t *base, size_t index);
int32_t pa_i32a_decrement(int32_t *base, size_t index);
size_t pa_i32a_add_at(int32_t *base, size_t length, const int64_t *indices,
                      const int32_t *deltas, size_t stride, size_t count);
size_t pa_i32a_fetch_add_at(int32_t *base, size_t length,
                            const int64_t *indices, const int32_t *deltas,
                            size_t stride, size_t count, int32_t *previous);
void pa_i32a_load_all(int32_t *base, size_t length, int32_t *out);
void pa_i32a_store_all(int32_t *base, size_t length, const int32_t *values);

/* int64_t */
int64_t pa_i64a_load(int64_t *base, size_t index);
void pa_i64a_store(int64_t *base, size_t index, int64_t value);
int64_t pa_i64a_swap(int64_t *base, size_t index, int64_t value);
bool pa_i64a_compare_and_swap(int64_t *base, size_t index, int64_t expected,
                              int64_t desired);
int64_t pa_i64a_compare_exchange(int64_t *base, size_t index, int64_t expected,
                                 int64_t desired);
int64_t pa_i64a_fetch_add(int64_t *base, size_t index, int64_t delta);
int64_t pa_i64a_fetch_sub(int64_t *base, size_t index, int64_t delta);
int64_t pa_i64a_fetch_and(int64_t *base, size_t index, int64_t mask);
int64_t pa_i64a_fetch_or(int64_t *base, size_t index, int64_t mask);
int64_t pa_i64a_fetch_xor(int64_t *base, size_t index, int64_t mask);
int64_t pa_i64a_fetch_max(int64_t *base, size_t index, int64_t value);
int64_t pa_i64a_fetch_min(int64_t *base, size_t index, int64_t value);
int64_t pa_i64a_add(int64_t *base, size_t index, int64_t delta);
int64_t pa_i64a_sub(int64_t *base, size_t index, int64_t delta);
int64_t pa_i64a_increment(int64_t *base, size_t index);
int64_t pa_i64a_decrement(int64_t *base, size_t index);
size_t pa_i64a_add_at(int64_t *base, size_t length, const int64_t *indices,
                      const int64_t *deltas, size_t stride, size_t count);
size_t pa_i64a_fetch_add_at(int64_t *base, size_t length,
                            const int64_t *indices, const int64_t *deltas,
                            size_t stride, size_t count, int64_t *previous);
void pa_i64a_load_all(int64_t *base, size_t length, int64_t *out);
void pa_i64a_store_all(int64_t *base, size_t length, const int64_t *values);

/* uint32_t */
uint32_t pa_u32a_load(uint32_t *base, size_t index);
void pa_u32a_store(uint32_t *base, size_t index, uint32_t value);
uint32_t pa_u32a_swap(uint32_t *base, size_t index, uint32_t value);
bool pa_u32a_compare_and_swap(uint32_t *base, size_t index, uint32_t expected,
                              uint32_t desired);
uint32_t pa_u32a_compare_exchange(uint32_t *base, size_t index,
                                  uint32_t expected, uint32_t desired);
uint32_t pa_u32a_fetch_add(uint32_t *base, size_t index, uint32_t delta);
uint32_t pa_u32a_fetch_sub(uint32_t *base, size_t index, uint32_t delta);
uint32_t pa_u32a_fetch_and(uint32_t *base, size_t index, uint32_t mask);
uint32_t pa_u32a_fetch_or(uint32_t *base, size_t index, uint32_t mask);
uint32_t pa_u32a_fetch_xor(uint32_t *base, size_t index, uint32_t mask);
uint32_t pa_u32a_fetch_max(uint32_t *base, size_t index, uint32_t value);
uint32_t pa_u32a_fetch_min(uint32_t *base, size_t index, uint32_t value);
uint32_t pa_u32a_add(uint32_t *base, size_t index, uint32_t delta);
uint32_t pa_u32a_sub(uint32_t *base, size_t index, uint32_t delta);
uint32_t pa_u32a_increment(uint32_t *base, size_t index);
uint32_t pa_u32a_decrement(uint32_t *base, size_t index);
size_t pa_u32a_add_at(uint32_t *base, size_t length, const int64_t *indices,
                      const uint32_t *deltas, size_t stride, size_t count);
size_t pa_u32a_fetch_add_at(uint32_t *base, size_t length,
                            const int64_t *indices, const uint32_t *deltas,
                            size_t stride, size_t count, uint32_t *previous);
void pa_u32a_load_all(uint32_t *base, size_t length, uint32_t *out);
void pa_u32a_store_all(uint32_t *base, size_t length, const uint32_t *values);

/* uint64_t */
uint64_t pa_u64a_load(uint64_t *base, size_t index);
void pa_u64a_store(uint64_t *base, size_t index, uint64_t value);
uint64_t pa_u64a_swap(uint64_t *base, size_t index, uint64_t value);
bool pa_u64a_compare_and_swap(uint64_t *base, size_t index, uint64_t expected,
                              uint64_t desired);
uint64_t pa_u64a_compare_exchange(uint64_t *base, size_t index,
                                  uint64_t expected, uint64_t desired);
uint64_t pa_u64a_fetch_add(uint64_t *base, size_t index, uint64_t delta);
uint64_t pa_u64a_fetch_sub(uint64_t *base, size_t index, uint64_t delta);
uint64_t pa_u64a_fetch_and(uint64_t *base, size_t index, uint64_t mask);
uint64_t pa_u64a_fetch_or(uint64_t *base, size_t index, uint64_t mask);
uint64_t pa_u64a_fetch_xor(uint64_t *base, size_t index, uint64_t mask);
uint64_t pa_u64a_fetch_max(uint64_t *base, size_t index, uint64_t value);
uint64_t pa_u64a_fetch_min(uint64_t *base, size_t index, uint64_t value);
uint64_t pa_u64a_add(uint64_t *base, size_t index, uint64_t delta);
uint64_t pa_u64a_sub(uint64_t *base, size_t index, uint64_t delta);
uint64_t pa_u64a_increment(uint64_t *base, size_t index);
uint64_t pa_u64a_decrement(uint64_t *base, size_t index);
size_t pa_u64a_add_at(uint64_t *base, size_t length, const int64_t *indices,
                      const uint64_t *deltas, size_t stride, size_t count);
size_t pa_u64a_fetch_add_at(uint64_t *base, size_t length,
                            const int64_t *indices, const uint64_t *deltas,
                            size_t stride, size_t count, uint64_t *previous);
void pa_u64a_load_all(uint64_t *base, size_t length, uint64_t *out);
void pa_u64a_store_all(uint64_t *base, size_t length, const uint64_t *values);

#endif /* PA_ARRAY_H */
