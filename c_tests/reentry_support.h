/* Shared by the two callback re-entry tests (test_mqtt311_callback_reentry.c and
 * test_mqtt5_callback_reentry.c), on top of mqtt_fixture.h. Each runs one "tour" of a client's
 * life per kind of callback, releasing the last reference inside that kind; what the two tours
 * keep alike lives here:
 *
 * - struct rs_tour: the part of a variant's record both keep. The test's struct tour holds it
 *   as its member `rs` (EXPECT reaches it by that name).
 * - rs_fail, EXPECT: a check inside a callback, which cannot return its failure.
 * - rs_enter, rs_first, rs_mark_released, rs_take_slot, rs_count_and_signal: the bookkeeping
 *   of callbacks, probes, the release and the record's slots, under the record's lock.
 * - rs_variant_begin, rs_variant_end, rs_variant_joined: a variant's record and broker, the
 *   bounded wait for its termination (fx's CHECK_WAIT) with the checks and the dump after it,
 *   and the last checks once every loop thread is joined.
 * - rs_check_record, rs_tally, rs_dump_counts: the checks and the dump every variant shares.
 * - rs_run_variants, rs_scenario_write/_remove: the loop over the variants; the broker's script.
 * Everything is static: include this header in one test program. */
#ifndef REENTRY_SUPPORT_H
#define REENTRY_SUPPORT_H

#include "mqtt_fixture.h"

/* Upper bounds for the tests' enum kind and their lifecycle records (each test asserts that its
 * kinds fit). */
#define RS_MAX_KINDS 32
#define RS_MAX_SEQ 64

/* A variant whose objects have not all terminated by then ends the test. */
#define RS_TERMINATION_TIMEOUT_MS 30000

/* The test's record of one variant; this header only hands it back to the test's functions. */
struct tour;

/* What every variant's record holds, whichever client it tours. Callbacks write it under
 * `lock`, and signal `signal` where the main thread's wait for termination may be over; the
 * main thread reads it under the lock until that wait ends. */
struct rs_tour {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    const char *name; /* the kind of callback the variant releases in, for messages */
    struct fx_broker broker;

    bool main_released; /* the main thread dropped its temporary reference */
    bool released;      /* the test's last reference is gone: callbacks no longer call the API */
    int seq_at_release; /* lifecycle entries recorded when it went */
    int terminated;     /* the toured client's termination handler */
    int late;           /* callbacks after it */
    int failures;       /* EXPECTs that failed */

    int counts[RS_MAX_KINDS];  /* callbacks, per kind */
    bool probed[RS_MAX_KINDS]; /* kinds whose probe ran */
    int seq[RS_MAX_SEQ];       /* the lifecycle callbacks, as kinds, in order */
    int seq_len;
};

/* A failure inside a callback: logged with the variant and the line, and counted, so the main
 * thread's checks see it. */
static inline void rs_fail(struct rs_tour *r, int line, const char *what, const char *detail) {
    fprintf(stderr, "[release inside %s] line %d: %s %s\n", r->name, line, what, detail ? detail : "");
    aws_mutex_lock(&r->lock);
    r->failures += 1;
    aws_mutex_unlock(&r->lock);
}

/* A check inside a callback: records the failure, since callbacks cannot return it. RS_EXPECT
 * takes the struct rs_tour, EXPECT the test's struct tour. */
#define RS_EXPECT(r, cond)                                                                         \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            rs_fail((r), __LINE__, "expected", #cond);                                             \
        }                                                                                          \
    } while (0)
#define EXPECT(t, cond) RS_EXPECT(&(t)->rs, cond)

/* Every callback starts here: counts it (and appends it to the lifecycle record when
 * `lifecycle`), notes one that comes after the termination handler, and says whether the test
 * still holds its reference (false: record only, no API calls). */
static inline bool rs_enter(struct rs_tour *r, int kind, bool lifecycle) {
    aws_mutex_lock(&r->lock);
    if (r->terminated) {
        r->late += 1;
    }
    r->counts[kind] += 1;
    if (lifecycle && r->seq_len < RS_MAX_SEQ) {
        r->seq[r->seq_len++] = kind;
    }
    bool live = !r->released;
    aws_condition_variable_notify_all(&r->signal);
    aws_mutex_unlock(&r->lock);
    return live;
}

/* True the first time a callback of `kind` asks: it runs the probe. */
static inline bool rs_first(struct rs_tour *r, int kind) {
    aws_mutex_lock(&r->lock);
    bool first = !r->probed[kind];
    r->probed[kind] = true;
    aws_mutex_unlock(&r->lock);
    return first;
}

/* The callback about to drop the test's last reference notes it (callbacks only record from
 * now on). The main thread dropped its temporary reference under the lock before any callback
 * could take it, so it must be gone; and only one callback releases. */
static inline void rs_mark_released(struct rs_tour *r) {
    aws_mutex_lock(&r->lock);
    bool main_released = r->main_released;
    bool released = r->released;
    r->released = true;
    r->seq_at_release = r->seq_len;
    aws_mutex_unlock(&r->lock);
    RS_EXPECT(r, main_released);
    RS_EXPECT(r, !released);
}

/* Takes the next of `max` slots, of which `*count` are taken, and returns its index. The record
 * is sized for a whole tour, so running out is a broken test, not a failed check: it aborts. */
static inline int rs_take_slot(struct rs_tour *r, int *count, int max, const char *what) {
    aws_mutex_lock(&r->lock);
    if (*count == max) {
        fprintf(stderr, "[%s] out of %s slots\n", r->name, what);
        abort();
    }
    int slot = (*count)++;
    aws_mutex_unlock(&r->lock);
    return slot;
}

/* A termination callback: counts it in `*counter` and wakes the main thread's wait. */
static inline void rs_count_and_signal(struct rs_tour *r, int *counter) {
    aws_mutex_lock(&r->lock);
    *counter += 1;
    aws_condition_variable_notify_all(&r->signal);
    aws_mutex_unlock(&r->lock);
}

/* The start of a variant, on a record the test zeroed: its lock and signal, its name (the
 * release point's kind) and its own broker running `scenario`. */
static inline int rs_variant_begin(struct rs_tour *r, const char *name, const char *scenario) {
    aws_mutex_init(&r->lock);
    aws_condition_variable_init(&r->signal);
    r->name = name;
    CHECK_INT_EQ(fx_broker_start(&r->broker, FX_FRAGMENTS("--scenario", scenario)), 0);
    return 0;
}

/* 0 once `all_terminated(t)` holds (evaluated with the lock held; every termination callback
 * signals); 1 when RS_TERMINATION_TIMEOUT_MS pass first. */
static inline int rs_wait_terminated(struct rs_tour *r, struct tour *t, bool (*all_terminated)(struct tour *)) {
    CHECK_WAIT(r, all_terminated(t), RS_TERMINATION_TIMEOUT_MS);
    return 0;
}

/* The end of a variant, once the main thread let go of its client at `start`: the bounded
 * wait for every object's termination, then the variant's `check`; `dump` (with the broker's
 * log after it) shows the record when either fails. Returns 0 when the variant passed, 1 when
 * its checks failed, 2 when it did not terminate: its objects may still run, so that ends the
 * test (and leaves the broker to fx_at_exit). */
static inline int rs_variant_end(struct rs_tour *r, struct tour *t, uint64_t start,
                                 bool (*all_terminated)(struct tour *), int (*check)(struct tour *),
                                 void (*dump)(struct tour *)) {
    if (rs_wait_terminated(r, t, all_terminated)) {
        fprintf(stderr, "[release inside %s] no termination within %d s\n", r->name,
                RS_TERMINATION_TIMEOUT_MS / 1000);
        dump(t);
        fx_broker_dump_log(&r->broker);
        return 2;
    }
    printf("  release inside %s: terminated after %.2f s\n", r->name, (double)(fx_now_ns() - start) / 1e9);
    int failed = check(t);
    if (failed) {
        dump(t);
        fx_broker_dump_log(&r->broker);
    }
    fx_broker_stop(&r->broker);
    return failed ? 1 : 0;
}

/* The end of the per-kind counts of a dump (the lock held): the count of each of the `kinds`,
 * marked "p" where a probe ran. */
static inline void rs_dump_counts(const struct rs_tour *r, int kinds) {
    fprintf(stderr, "\n  counts:");
    for (int k = 0; k < kinds; ++k) {
        fprintf(stderr, " %d%s", r->counts[k], r->probed[k] ? "p" : "");
    }
    fprintf(stderr, "\n");
}

/* The checks every terminated variant shares: no EXPECT failed; the termination handler ran
 * exactly once, and no callback after it; the release came after the first `prefix` lifecycle
 * callbacks, which followed the tour's `sequence` (kinds, named by `kind_names`). */
static inline int rs_check_record(struct rs_tour *r, const int *sequence, int prefix,
                                  const char *const *kind_names) {
    aws_mutex_lock(&r->lock);
    int failures = r->failures;
    int late = r->late;
    int terminated = r->terminated;
    aws_mutex_unlock(&r->lock);
    CHECK_INT_EQ(failures, 0);
    CHECK_INT_EQ(terminated, 1);
    CHECK_INT_EQ(late, 0);
    CHECK_INT_EQ(r->seq_at_release, prefix);
    for (int i = 0; i < prefix; ++i) {
        if (r->seq[i] != sequence[i]) {
            fprintf(stderr, "lifecycle entry %d: %s, expected %s\n", i, kind_names[r->seq[i]],
                    kind_names[sequence[i]]);
            return 1;
        }
    }
    return 0;
}

/* Operations, counted: each whose call accepted it must complete exactly once, a refused one
 * never. */
struct rs_tally {
    int submitted;
    int succeeded;
    int wrong;
};

/* Counts one operation in; false when its completions are wrong (the caller says which). */
static inline bool rs_tally(struct rs_tally *tally, bool submitted, bool succeeded, int completions) {
    tally->submitted += submitted;
    tally->succeeded += submitted && succeeded;
    if (completions != (submitted ? 1 : 0)) {
        tally->wrong += 1;
        return false;
    }
    return true;
}

/* Runs `tour` for every variant 0..count-1, also after one failed its checks (each has its own
 * record), so the log shows all that fail; one that does not terminate (2) ends the test. */
static inline int rs_run_variants(int count, const char *const *names, int (*tour)(int variant)) {
    int failed = 0;
    for (int k = 0; k < count; ++k) {
        int result = tour(k);
        if (result != 0) {
            fprintf(stderr, "FAILED: release inside %s\n", names[k]);
            failed += 1;
        }
        CHECK(result != 2);
    }
    CHECK_INT_EQ(failed, 0);
    return 0;
}

/* After every loop thread is joined, so no callback can come any more: none came after the
 * variant's termination handler, which ran exactly once. Cleans up the lock and signal. */
static inline int rs_variant_joined(struct rs_tour *r) {
    CHECK_INT_EQ(r->terminated, 1);
    CHECK_INT_EQ(r->late, 0);
    aws_condition_variable_clean_up(&r->signal);
    aws_mutex_clean_up(&r->lock);
    return 0;
}

/* The broker's script, in a temp directory of its own (removed by rs_scenario_remove, or at
 * exit after a failed check). */
struct rs_scenario {
    char dir[64];
    char path[128];
};

static inline int rs_scenario_write(struct rs_scenario *s, const char *dir_template, const char *script) {
    snprintf(s->dir, sizeof(s->dir), "%s", dir_template);
    CHECK(mkdtemp(s->dir) != NULL);
    fx_track(0, s->dir);
    snprintf(s->path, sizeof(s->path), "%s/scenario", s->dir);
    CHECK_INT_EQ(fx_write_file(s->path, script), 0);
    return 0;
}

static inline void rs_scenario_remove(struct rs_scenario *s) {
    fx_remove_dir(s->dir);
}

#endif /* REENTRY_SUPPORT_H */
