/*
 * pa_stack.c - tagged-index Treiber stack and free list over a chunked pool.
 *
 * Layout.  Node i lives in chunk k = floor(log2(i / 64 + 1)), which holds
 * the 64 * 2^k indices starting at 64 * (2^k - 1); 27 chunks cover every
 * 32-bit index.  Memory belongs to the caller (pyatomic, through ffi.new).
 * A fresh index is handed out only once its chunk is installed: when it is
 * not, pa_stack_alloc takes nothing and returns k + 1, the caller
 * allocates chunk k and installs it with a compare-and-swap (a loser drops
 * its copy, which no thread ever saw), and calls again.  The caller keeps
 * every installed chunk for the stack's whole life.  So a node's memory
 * stays valid as long as the stack, and a thread that read a stale index
 * can still read that node's fields: it gets a meaningless value, never a
 * fault, and its compare-and-swap then fails on the tag.
 *
 * A node holds `next` (the tagged value of the node below it, or on the
 * free list the index of the next free node) and `gen` (its generation).
 * Both are _Atomic because a stalled reader may load them while the owner
 * rewrites them.
 *
 * Why the tags make compare-and-swap safe (the full argument is in
 * pyatomic/_stack.py):
 *   - stack: a node is pushed once per allocation and freed only after
 *     the pop that unlinks it, so the tagged value (gen, i) is on the stack
 *     during one interval at most.  If the top still equals the (gen, i) a popper read,
 *     node i was not popped since, and its `next` - written before (gen, i)
 *     was published, and only rewritten after a pop - is still what the
 *     popper read.
 *   - free list: its head packs (changes, index); every successful swap
 *     bumps `changes`, so a stale head never matches.
 */
#include "pa_stack.h"

#include <stdatomic.h>
#include <stdbool.h>

#define PA_CHUNK0_LOG 6
#define PA_NCHUNKS 27
#define PA_INDEX_MASK UINT64_C(0xFFFFFFFF)
#define PA_INDEX_MAX UINT64_C(0xFFFFFFFF)
#define PA_LINE 128

typedef struct pa_stack pa_stack;

struct pa_node {
    _Atomic uint64_t next;
    _Atomic uint32_t gen;
};

/* The three hot words on their own cache-line pairs: pushes and pops hammer
   `top`, allocation `free_top`, and neither should slow the other. */
struct pa_stack {
    _Alignas(PA_LINE) _Atomic uint64_t top;
    _Alignas(PA_LINE) _Atomic uint64_t free_top;
    _Alignas(PA_LINE) _Atomic int64_t size;
    _Atomic uint64_t fresh; /* next never-used index */
    _Atomic(struct pa_node *) chunks[PA_NCHUNKS];
};

static inline uint32_t index_of(uint64_t tagged)
{
    return (uint32_t)(tagged & PA_INDEX_MASK);
}

static inline unsigned chunk_of(uint64_t index)
{
    uint64_t v = (index >> PA_CHUNK0_LOG) + 1;

    return 63u - (unsigned)__builtin_clzll(v);
}

static inline uint64_t chunk_start(unsigned k)
{
    return ((UINT64_C(1) << k) - 1) << PA_CHUNK0_LOG;
}

/* The node of an index that was handed out, so its chunk exists: the
   allocator installed the chunk before returning the index, and every path
   by which another thread learns an index is a seq_cst store after that. */
static inline struct pa_node *node_at(pa_stack *s, uint64_t tagged)
{
    uint64_t i = index_of(tagged);
    unsigned k = chunk_of(i);
    struct pa_node *chunk = atomic_load(&s->chunks[k]);

    return chunk + (i - chunk_start(k));
}

/* The header starts at the first PA_LINE boundary of the caller's block,
   which pa_stack_bytes() makes big enough for that: Python's ffi.new only
   promises 16-byte alignment, and a header that shared its lines with the
   cdata object that owns it would slow both down. */
static inline pa_stack *stack_at(void *memory)
{
    uintptr_t at = ((uintptr_t)memory + PA_LINE - 1) & ~(uintptr_t)(PA_LINE - 1);

    return (pa_stack *)at;
}

size_t pa_stack_bytes(void) { return sizeof(pa_stack) + PA_LINE - 1; }

/* The memory is zeroed, so top, free_top, size and every chunk pointer are
   already 0/NULL; only `fresh` starts elsewhere (index 0 means "no node").
   The stack is not shared with any other thread yet. */
void pa_stack_init(void *stack)
{
    pa_stack *s = stack_at(stack);
    atomic_init(&s->fresh, 1);
}

size_t pa_stack_chunk_bytes(uint32_t k)
{
    return ((size_t)1 << (k + PA_CHUNK0_LOG)) * sizeof(struct pa_node);
}

bool pa_stack_install(void *stack, uint32_t k, void *chunk)
{
    pa_stack *s = stack_at(stack);
    struct pa_node *none = NULL;

    if (k >= PA_NCHUNKS)
        return false;
    return atomic_compare_exchange_strong(&s->chunks[k], &none,
                                          (struct pa_node *)chunk);
}

/* Push the owned chain head..tail (indices) onto the free list. */
static void free_push(pa_stack *s, uint64_t head, uint64_t tail)
{
    uint64_t old = atomic_load(&s->free_top);
    uint64_t new;

    do {
        atomic_store(&node_at(s, tail)->next, old & PA_INDEX_MASK);
        new = (((old >> 32) + 1) << 32) | index_of(head);
    } while (!atomic_compare_exchange_strong(&s->free_top, &old, new));
}

uint64_t pa_stack_alloc(void *stack)
{
    pa_stack *s = stack_at(stack);
    uint64_t old = atomic_load(&s->free_top);
    uint64_t i = 0;
    uint32_t gen;

    /* Reuse a free node.  `next` of a node we do not own yet may be torn
       by its new owner; then the head has changed and the swap fails. */
    while (index_of(old) != 0) {
        uint64_t below = atomic_load(&node_at(s, old)->next);
        uint64_t new = (((old >> 32) + 1) << 32) | (below & PA_INDEX_MASK);

        if (atomic_compare_exchange_strong(&s->free_top, &old, new)) {
            i = index_of(old);
            break;
        }
    }

    /* None free: take a fresh index, but only one whose chunk is in place
       (so node_at never meets a missing chunk); otherwise take nothing and
       ask the caller for the chunk.  The swap fails only when another
       thread took an index, so this loop is lock-free. */
    if (i == 0) {
        uint64_t fresh = atomic_load(&s->fresh);

        do {
            unsigned k;

            if (fresh > PA_INDEX_MAX)
                return 0;
            k = chunk_of(fresh);
            if (atomic_load(&s->chunks[k]) == NULL)
                return (uint64_t)k + 1;
        } while (!atomic_compare_exchange_strong(&s->fresh, &fresh,
                                                 fresh + 1));
        i = fresh;
    }

    /* The only owner bumps the generation; never 0 so that (gen, i) is
       never 0 either (i is never 0 anyway). */
    gen = atomic_load(&node_at(s, i)->gen) + 1;
    if (gen == 0)
        gen = 1;
    atomic_store(&node_at(s, i)->gen, gen);
    return ((uint64_t)gen << 32) | i;
}

void pa_stack_push(void *stack, uint64_t node)
{
    pa_stack *s = stack_at(stack);
    struct pa_node *n = node_at(s, node);
    uint64_t top = atomic_load(&s->top);

    /* `next` must hold the current top before `node` becomes visible; on a
       failed swap `top` holds the new top and we link to that instead. */
    do {
        atomic_store(&n->next, top);
    } while (!atomic_compare_exchange_strong(&s->top, &top, node));

    atomic_fetch_add(&s->size, 1);
}

/* The one pop loop, shared by both entry points.  (top, next) is a
   snapshot read earlier, or top == 0 to read one here. */
static uint64_t pop_loop(pa_stack *s, uint64_t top, uint64_t next)
{
    if (top == 0) {
        top = atomic_load(&s->top);
        if (top == 0)
            return 0;
        next = atomic_load(&node_at(s, top)->next);
    }

    /* The swap succeeds only if `top` (index and generation) is still on
       top, which proves `next` is its current successor; on failure `top`
       holds the value witnessed and we read its successor afresh. */
    while (!atomic_compare_exchange_strong(&s->top, &top, next)) {
        if (top == 0)
            return 0;
        next = atomic_load(&node_at(s, top)->next);
    }

    /* The node is the caller's now; it returns to the free list only
       through pa_stack_release, after the caller has taken its item. */
    atomic_fetch_sub(&s->size, 1);
    return top;
}

uint64_t pa_stack_pop(void *stack) { return pop_loop(stack_at(stack), 0, 0); }

uint64_t pa_stack_pop_from(void *stack, uint64_t top, uint64_t next)
{
    pa_stack *s = stack_at(stack);
    return pop_loop(s, top, next);
}

uint64_t pa_stack_read(void *stack, uint64_t *next)
{
    pa_stack *s = stack_at(stack);
    uint64_t top = atomic_load(&s->top);

    *next = top == 0 ? 0 : atomic_load(&node_at(s, top)->next);
    return top;
}

uint64_t pa_stack_top(void *stack) { return atomic_load(&stack_at(stack)->top); }

uint64_t pa_stack_detach(void *stack)
{
    return atomic_exchange(&stack_at(stack)->top, 0);
}

uint64_t pa_stack_next(void *stack, uint64_t node)
{
    pa_stack *s = stack_at(stack);
    return atomic_load(&node_at(s, node)->next);
}

void pa_stack_release(void *stack, uint64_t head, uint64_t tail,
                      int64_t count)
{
    pa_stack *s = stack_at(stack);
    if (count != 0)
        atomic_fetch_sub(&s->size, count);
    free_push(s, head, tail);
}

void pa_stack_free_node(void *stack, uint64_t node)
{
    pa_stack *s = stack_at(stack);

    free_push(s, node, node);
}

int64_t pa_stack_size(void *stack)
{
    return atomic_load(&stack_at(stack)->size);
}
