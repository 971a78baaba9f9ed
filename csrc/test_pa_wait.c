/*
 * test_pa_wait.c - wait/notify checks for pa_wait, meant for sanitizers.
 * Not part of the extension (build.py skips test_*.c).  Run:
 *
 *   cc -std=c11 -O1 -g -pthread -fsanitize=address,undefined \
 *       csrc/test_pa_wait.c csrc/pa_wait.c -o /tmp/test_pa_wait
 *   /tmp/test_pa_wait [rounds]          (also with -fsanitize=thread)
 *
 * It prints "<n> passed, 0 failed" on success, as tools/tsan_stress.sh
 * expects.
 *
 * - A bool at the last byte of a heap block: pa_bool_wait reads the whole
 *   aligned word around it, up to 3 bytes past the block.  pa_wait.c argues
 *   why that is safe and keeps AddressSanitizer from reporting it; this
 *   check fails under ASan if that exclusion is lost.
 * - Any nonzero bool byte is True: a byte holding 2 does not differ from
 *   true, and a change from 2 to 1 wakes nobody for good.
 * - Ping-pong between two threads through one cell (an int32, and a bool
 *   whose neighbour byte a third thread keeps flipping and notifying): each
 *   waits in one call with a 10 s limit, so a lost wake-up shows as a
 *   timeout rather than as a slow run.
 */
#include "pa_wait.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LONG_NS 10000000000LL /* reached only when a wake-up is lost */
#define SHORT_NS 20000000LL

static int passed, failed;

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL: %s\n", what);
}

/* -- no contention -------------------------------------------------------- */

static void bool_at_the_end_of_a_block(size_t size)
{
    unsigned char *block = malloc(size);
    bool *flag = (bool *)(block + size - 1);

    memset(block, 0, size);
    check(pa_bool_wait(flag, true, 0, false) == 1, "false differs from true");
    check(pa_bool_wait(flag, false, SHORT_NS, false) == 0,
          "false times out waiting on false");

    block[size - 1] = 2; /* nonzero: true */
    check(pa_bool_wait(flag, true, SHORT_NS, false) == 0,
          "a byte holding 2 does not differ from true");
    check(pa_bool_wait(flag, true, 0, true) == 0,
          "a byte holding 2 does not differ from true (shared)");
    check(pa_bool_wait(flag, false, 0, false) == 1,
          "a byte holding 2 differs from false");
    pa_bool_notify(flag, true, false);
    pa_bool_notify(flag, false, true);

    free(block);
}

static void int32_extremes(void)
{
    int32_t *cell = malloc(sizeof *cell);

    *cell = INT32_MIN;
    check(pa_i32_wait(cell, INT32_MIN, SHORT_NS, false) == 0,
          "int32 times out while equal");
    check(pa_i32_wait(cell, INT32_MAX, 0, false) == 1, "int32 differs");
    free(cell);
}

/* -- contention ----------------------------------------------------------- */

struct pair {
    _Atomic int32_t turn;     /* int32 ping-pong */
    _Atomic bool flags[4];    /* bool ping-pong on flags[1]; flags[2] churns */
    _Atomic int stop;
    long rounds;
    int lost;
};

static int wait_turn(struct pair *p, int32_t target)
{
    int32_t seen;

    while ((seen = atomic_load(&p->turn)) != target)
        if (pa_i32_wait((int32_t *)&p->turn, seen, LONG_NS, false) == 0)
            return 0;
    return 1;
}

static int wait_flag(struct pair *p, bool target)
{
    bool seen;

    while ((seen = atomic_load(&p->flags[1])) != target)
        if (pa_bool_wait((bool *)&p->flags[1], seen, LONG_NS, false) == 0)
            return 0;
    return 1;
}

static void *player(void *arg, int me)
{
    struct pair *p = arg;
    long n;

    for (n = 0; n < p->rounds; n++) {
        if (!wait_turn(p, (int32_t)(2 * n + me)) ||
            !wait_flag(p, me == 1)) {
            p->lost = 1;
            break;
        }
        atomic_store(&p->flags[1], me == 0);
        pa_bool_notify((bool *)&p->flags[1], false, false);
        atomic_store(&p->turn, (int32_t)(2 * n + me + 1));
        pa_i32_notify((int32_t *)&p->turn, false, false);
    }
    atomic_store(&p->stop, 1);
    pa_i32_notify((int32_t *)&p->turn, true, false);
    return NULL;
}

static void *player0(void *arg) { return player(arg, 0); }
static void *player1(void *arg) { return player(arg, 1); }

static void *neighbour(void *arg)
{
    struct pair *p = arg;

    while (!atomic_load(&p->stop)) {
        atomic_store(&p->flags[2], !atomic_load(&p->flags[2]));
        pa_bool_notify((bool *)&p->flags[2], true, false);
    }
    return NULL;
}

static void ping_pong(long rounds)
{
    struct pair *p = calloc(1, sizeof *p);
    pthread_t a, b, c;

    p->rounds = rounds;
    pthread_create(&a, NULL, player0, p);
    pthread_create(&b, NULL, player1, p);
    pthread_create(&c, NULL, neighbour, p);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(c, NULL);

    check(!p->lost, "ping-pong lost no wake-up");
    check(atomic_load(&p->turn) == 2 * rounds || p->lost,
          "ping-pong played every round");
    free(p);
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 20000;
    size_t size;

    for (size = 1; size <= 8; size++)
        bool_at_the_end_of_a_block(size);
    int32_extremes();
    ping_pong(rounds);

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
