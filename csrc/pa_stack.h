/*
 * pa_stack.h - a tagged-index Treiber stack over a growable node pool, the
 * C half of pyatomic.LockFreeStack (pyatomic/_stack.py holds the argument
 * for why it is correct, and keeps the items themselves).
 *
 * The stack links *nodes*, not Python objects.  A node is a 32-bit index
 * into a pool that grows in chunks which are never moved or freed while the
 * stack lives, so any index ever handed out can be read at any time.  A
 * node is named by a 64-bit *tagged* value: its index in the low 32 bits
 * and, in the high 32 bits, a generation that grows by one each time the
 * node is allocated.  0 names no node (index 0 is never allocated).
 *
 * Free nodes sit on a second Treiber stack (the free list) whose head
 * carries a counter bumped by every change, so neither list suffers ABA
 * unless a thread stalls across 2^32 changes (see _stack.py).
 *
 * All memory is the caller's (pyatomic allocates it with ffi.new, so that
 * it is released only after every finaliser that could still use it has
 * run): the header, and each chunk of the pool, which pa_stack_alloc asks
 * for and pa_stack_install puts in place.  C never allocates or frees.
 *
 * Every operation is lock-free and sequentially consistent, and may be
 * used by any number of threads at once.
 */
#ifndef PA_STACK_H
#define PA_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a stack header: give pa_stack_init that many zeroed bytes, with
   any alignment (the header sits at the first cache-line boundary inside).
   Every function takes that same block as `stack`. */
size_t pa_stack_bytes(void);

/* Make the zeroed block an empty stack with an empty pool. */
void pa_stack_init(void *stack);

/* Bytes of pool chunk k (0 <= k < 27): to be zeroed and 8-byte aligned. */
size_t pa_stack_chunk_bytes(uint32_t k);

/* Put the zeroed chunk `chunk` of pa_stack_chunk_bytes(k) bytes in place
   as chunk k, with one compare-and-swap.  Returns true if it was
   installed: it must then stay valid for the stack's whole life.  Returns
   false if another thread installed chunk k first: the caller may drop
   its copy, which C never saw. */
bool pa_stack_install(void *stack, uint32_t k, void *chunk);

/* Take a free node (from the free list, else a fresh index) and return its
   tagged value with a new generation, which is >= 2^32; the caller owns
   the node until it passes it to pa_stack_push or pa_stack_release.
   Returns 0 when the pool has no index left (2^32 - 1 in use), and
   k + 1 (1 to 27) when the next fresh index needs chunk k, which is not
   installed yet: install it and call again.  Nothing is taken then. */
uint64_t pa_stack_alloc(void *stack);

/* Link the owned node `node` (from pa_stack_alloc, pushed at most once per
   allocation) on top of the stack. */
void pa_stack_push(void *stack, uint64_t node);

/* Unlink the top node and return its tagged value (0 if the stack was
   empty): the value that was on top at the instant of the successful
   compare-and-swap.  The caller then owns the node, and gives it back with
   pa_stack_free_node once it has taken its item. */
uint64_t pa_stack_pop(void *stack);

/* Put the owned node `node` (from pa_stack_pop) back on the free list:
   pa_stack_release(stack, node, node, 0) with one argument to convert. */
void pa_stack_free_node(void *stack, uint64_t node);

/* pa_stack_pop, but try the snapshot (`top`, `next`) from pa_stack_read
   first, with one compare-and-swap; a stale snapshot never succeeds, and
   the function then continues exactly as pa_stack_pop (same loop).  For
   the test seam that pauses a pop between its read and its swap. */
uint64_t pa_stack_pop_from(void *stack, uint64_t top, uint64_t next);

/* Read the top (returned) and the node below it (stored in *next), as the
   first step of a pop; a test seam, not needed for a plain pop. */
uint64_t pa_stack_read(void *stack, uint64_t *next);

/* The tagged value of the top node, 0 if empty. */
uint64_t pa_stack_top(void *stack);

/* Detach the whole chain in one exchange; return its first node (0 if the
   stack was empty).  The caller then owns every node of the chain. */
uint64_t pa_stack_detach(void *stack);

/* The node below `node` in a chain the caller owns (0 at the end). */
uint64_t pa_stack_next(void *stack, uint64_t node);

/* Return the owned chain head -> ... -> tail to the free list in one
   compare-and-swap and subtract `count` from the size: after pop_all, or
   with head == tail and count 0 for a node that was never pushed. */
void pa_stack_release(void *stack, uint64_t head, uint64_t tail,
                      int64_t count);

/* Nodes pushed minus nodes popped: a snapshot that can lag a concurrent
   push or pop by one each (even be -1 for an instant). */
int64_t pa_stack_size(void *stack);

#endif /* PA_STACK_H */
