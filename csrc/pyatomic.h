/*
 * pyatomic.h - the C contract of pyatomic's atomic cells.
 *
 * This header is read twice: by the C compiler, and (with every line that
 * starts with '#' removed) by cffi's cdef parser.  Keep it to plain
 * fixed-width types and prototypes; no _Atomic here, that lives in the .c
 * files.
 *
 * Every operation is sequentially consistent.  A `cell` must point to memory
 * aligned to the size of its type; cells from pa_cell_new() are aligned to
 * PA_CELL_SIZE so that no two of them share a cache line.
 *
 * Naming: pa_<kind>_<verb>, kind one of i32 i64 u32 u64 bool ptr.
 *   load, store, swap                 plain atomic access; swap returns the
 *                                     previous value.
 *   compare_and_swap(e, d)            strong CAS; true iff *cell was e.
 *   compare_exchange(e, d)            strong CAS; returns the value seen,
 *                                     which equals e iff the swap happened.
 *   fetch_<op>(v)                     returns the previous value.
 *   add, sub, increment, decrement    return the new value.
 * Signed arithmetic wraps modulo 2^bits (two's complement), as C11 defines
 * for atomic types; nothing here has undefined behaviour on overflow.
 */
#ifndef PYATOMIC_H
#define PYATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Build identity, checked by pyatomic/_ffi.py at import. */
const char *pa_version(void);

/* Size and alignment of a cell from pa_cell_new(). */
size_t pa_cell_size(void);

/* A zeroed, PA_CELL_SIZE-aligned cell, or NULL when out of memory, for C
   users (the C stress test).  The Python layer allocates its cells with
   ffi.new instead, so that their memory outlives every finaliser that could
   touch it (see pyatomic/_base.py, new_block). */
void *pa_cell_new(void);
void pa_cell_free(void *cell);

/* atomic_is_lock_free() for a properly aligned object of `size` bytes
   (1, 4, 8 or sizeof(void *)); false for any other size. */
bool pa_is_lock_free(size_t size);

/* int32_t */
int32_t pa_i32_load(int32_t *cell);
void pa_i32_store(int32_t *cell, int32_t value);
int32_t pa_i32_swap(int32_t *cell, int32_t value);
bool pa_i32_compare_and_swap(int32_t *cell, int32_t expected, int32_t desired);
int32_t pa_i32_compare_exchange(int32_t *cell, int32_t expected, int32_t desired);
int32_t pa_i32_fetch_add(int32_t *cell, int32_t delta);
int32_t pa_i32_fetch_sub(int32_t *cell, int32_t delta);
int32_t pa_i32_fetch_and(int32_t *cell, int32_t mask);
int32_t pa_i32_fetch_or(int32_t *cell, int32_t mask);
int32_t pa_i32_fetch_xor(int32_t *cell, int32_t mask);
int32_t pa_i32_fetch_max(int32_t *cell, int32_t value);
int32_t pa_i32_fetch_min(int32_t *cell, int32_t value);
int32_t pa_i32_add(int32_t *cell, int32_t delta);
int32_t pa_i32_sub(int32_t *cell, int32_t delta);
int32_t pa_i32_increment(int32_t *cell);
int32_t pa_i32_decrement(int32_t *cell);
/* int64_t */
int64_t pa_i64_load(int64_t *cell);
void pa_i64_store(int64_t *cell, int64_t value);
int64_t pa_i64_swap(int64_t *cell, int64_t value);
bool pa_i64_compare_and_swap(int64_t *cell, int64_t expected, int64_t desired);
int64_t pa_i64_compare_exchange(int64_t *cell, int64_t expected, int64_t desired);
int64_t pa_i64_fetch_add(int64_t *cell, int64_t delta);
int64_t pa_i64_fetch_sub(int64_t *cell, int64_t delta);
int64_t pa_i64_fetch_and(int64_t *cell, int64_t mask);
int64_t pa_i64_fetch_or(int64_t *cell, int64_t mask);
int64_t pa_i64_fetch_xor(int64_t *cell, int64_t mask);
int64_t pa_i64_fetch_max(int64_t *cell, int64_t value);
int64_t pa_i64_fetch_min(int64_t *cell, int64_t value);
int64_t pa_i64_add(int64_t *cell, int64_t delta);
int64_t pa_i64_sub(int64_t *cell, int64_t delta);
int64_t pa_i64_increment(int64_t *cell);
int64_t pa_i64_decrement(int64_t *cell);
/* uint32_t */
uint32_t pa_u32_load(uint32_t *cell);
void pa_u32_store(uint32_t *cell, uint32_t value);
uint32_t pa_u32_swap(uint32_t *cell, uint32_t value);
bool pa_u32_compare_and_swap(uint32_t *cell, uint32_t expected, uint32_t desired);
uint32_t pa_u32_compare_exchange(uint32_t *cell, uint32_t expected, uint32_t desired);
uint32_t pa_u32_fetch_add(uint32_t *cell, uint32_t delta);
uint32_t pa_u32_fetch_sub(uint32_t *cell, uint32_t delta);
uint32_t pa_u32_fetch_and(uint32_t *cell, uint32_t mask);
uint32_t pa_u32_fetch_or(uint32_t *cell, uint32_t mask);
uint32_t pa_u32_fetch_xor(uint32_t *cell, uint32_t mask);
uint32_t pa_u32_fetch_max(uint32_t *cell, uint32_t value);
uint32_t pa_u32_fetch_min(uint32_t *cell, uint32_t value);
uint32_t pa_u32_add(uint32_t *cell, uint32_t delta);
uint32_t pa_u32_sub(uint32_t *cell, uint32_t delta);
uint32_t pa_u32_increment(uint32_t *cell);
uint32_t pa_u32_decrement(uint32_t *cell);
/* uint64_t */
uint64_t pa_u64_load(uint64_t *cell);
void pa_u64_store(uint64_t *cell, uint64_t value);
uint64_t pa_u64_swap(uint64_t *cell, uint64_t value);
bool pa_u64_compare_and_swap(uint64_t *cell, uint64_t expected, uint64_t desired);
uint64_t pa_u64_compare_exchange(uint64_t *cell, uint64_t expected, uint64_t desired);
uint64_t pa_u64_fetch_add(uint64_t *cell, uint64_t delta);
uint64_t pa_u64_fetch_sub(uint64_t *cell, uint64_t delta);
uint64_t pa_u64_fetch_and(uint64_t *cell, uint64_t mask);
uint64_t pa_u64_fetch_or(uint64_t *cell, uint64_t mask);
uint64_t pa_u64_fetch_xor(uint64_t *cell, uint64_t mask);
uint64_t pa_u64_fetch_max(uint64_t *cell, uint64_t value);
uint64_t pa_u64_fetch_min(uint64_t *cell, uint64_t value);
uint64_t pa_u64_add(uint64_t *cell, uint64_t delta);
uint64_t pa_u64_sub(uint64_t *cell, uint64_t delta);
uint64_t pa_u64_increment(uint64_t *cell);
uint64_t pa_u64_decrement(uint64_t *cell);
/* bool */
bool pa_bool_load(bool *cell);
void pa_bool_store(bool *cell, bool value);
bool pa_bool_swap(bool *cell, bool value);
bool pa_bool_compare_and_swap(bool *cell, bool expected, bool desired);
bool pa_bool_compare_exchange(bool *cell, bool expected, bool desired);

/* void * (values cross the boundary as uintptr_t addresses) */
uintptr_t pa_ptr_load(void **cell);
void pa_ptr_store(void **cell, uintptr_t value);
uintptr_t pa_ptr_swap(void **cell, uintptr_t value);
bool pa_ptr_compare_and_swap(void **cell, uintptr_t expected,
                             uintptr_t desired);
uintptr_t pa_ptr_compare_exchange(void **cell, uintptr_t expected,
                                  uintptr_t desired);

#endif /* PYATOMIC_H */
