/*
 * test_pa_stack.c - exactly-once stress for pa_stack, meant for sanitizers.
 * Not part of the extension (build.py skips test_*.c).  Run:
 *
 *   cc -std=c11 -O1 -g -fsanitize=thread -pthread \
 *       csrc/test_pa_stack.c csrc/pa_stack.c -o /tmp/test_pa_stack
 *   /tmp/test_pa_stack
 *
 * Each thread pushes ROUNDS nodes and pops as often as it pushes; every so
 * often it detaches the whole stack instead.  Tagged values (index and
 * generation) are unique for the whole run, so exactly-once delivery means:
 * the multiset of tagged values popped equals the multiset pushed.  (A
 * popper owns its node until it calls pa_stack_release, which is why
 * pyatomic/_stack.py may keep items in a side table indexed by node.)  The
 * sanitizer checks the stack's own accesses; the logs check delivery.
 * Memory is the caller's, as in pyatomic: this file allocates the header
 * and every chunk that pa_stack_alloc asks for, racing to install it.
 */
#include "pa_stack.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define ROUNDS 200000
#define MAX_NODES 4096 /* more than THREADS * (live nodes per thread) */

static void *stack;
static uint64_t pushed[THREADS][ROUNDS];
static uint64_t popped[THREADS][2 * ROUNDS];
static size_t n_popped[THREADS];
static void *installed[27];

static void *zeroed(size_t size)
{
    void *p = calloc(1, size);

    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* pa_stack_alloc, installing chunks on request as _stack.py does: every
   thread that sees a missing chunk offers one, and losers free theirs. */
static uint64_t alloc_node(void)
{
    for (;;) {
        uint64_t node = pa_stack_alloc(stack);
        uint32_t k;
        void *chunk;

        if (node == 0 || node > 27)
            return node;
        k = (uint32_t)node - 1;
        chunk = zeroed(pa_stack_chunk_bytes(k));
        if (pa_stack_install(stack, k, chunk))
            installed[k] = chunk;
        else
            free(chunk);
    }
}

static void *worker(void *arg)
{
    uintptr_t me = (uintptr_t)arg;
    size_t got = 0;
    int owed = 0;

    for (size_t i = 0; i < ROUNDS; i++) {
        uint64_t node = alloc_node();

        if (node == 0 || (node & 0xFFFFFFFFu) >= MAX_NODES) {
            fprintf(stderr, "alloc failed or pool grew: %llx\n",
                    (unsigned long long)node);
            exit(1);
        }
        pushed[me][i] = node;
        pa_stack_push(stack, node);
        owed++;

        if (i % 97 == 0) {
            uint64_t head = pa_stack_detach(stack);
            uint64_t tail = head;
            int64_t count = 0;

            for (uint64_t n = head; n != 0; n = pa_stack_next(stack, n)) {
                popped[me][got++] = n;
                tail = n;
                count++;
            }
            if (head != 0)
                pa_stack_release(stack, head, tail, count);
            owed = 0;
        } else {
            while (owed > 0) {
                uint64_t top = pa_stack_pop(stack);

                if (top == 0)
                    break; /* someone else's detach took ours */
                popped[me][got++] = top;
                pa_stack_free_node(stack, top);
                owed--;
            }
        }
    }
    n_popped[me] = got;
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

int main(void)
{
    static uint64_t all_pushed[THREADS * ROUNDS];
    static uint64_t all_popped[THREADS * ROUNDS];
    pthread_t threads[THREADS];
    size_t n_in = 0, n_out = 0, mismatched = 0;
    uint64_t rest;

    stack = zeroed(pa_stack_bytes());
    pa_stack_init(stack);
    for (uintptr_t t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, worker, (void *)t);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);

    for (int t = 0; t < THREADS; t++) {
        for (size_t i = 0; i < ROUNDS; i++)
            all_pushed[n_in++] = pushed[t][i];
        for (size_t i = 0; i < n_popped[t]; i++)
            all_popped[n_out++] = popped[t][i];
    }
    /* Whatever is left (pops that found the stack empty) is taken now. */
    while ((rest = pa_stack_pop(stack)) != 0 && n_out < n_in) {
        all_popped[n_out++] = rest;
        pa_stack_free_node(stack, rest);
    }

    qsort(all_pushed, n_in, sizeof(uint64_t), by_value);
    qsort(all_popped, n_out, sizeof(uint64_t), by_value);
    for (size_t i = 0; i < n_in && i < n_out; i++)
        mismatched += all_pushed[i] != all_popped[i];
    for (size_t i = 1; i < n_in; i++)
        mismatched += all_pushed[i] == all_pushed[i - 1]; /* tags unique */
    printf("pushed %zu, popped %zu, mismatched %zu, size %lld\n", n_in,
           n_out, mismatched, (long long)pa_stack_size(stack));
    for (int k = 0; k < 27; k++)
        free(installed[k]);
    free(stack);
    if (n_in != n_out || mismatched != 0) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    printf("1 passed, 0 failed\n");
    return 0;
}
