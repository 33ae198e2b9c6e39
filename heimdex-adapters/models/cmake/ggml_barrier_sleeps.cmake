# Lets ggml's CPU threads sleep at the barrier after every graph node once they have spun a while.
#
# Upstream ggml (ggml-cpu/ggml-cpu.c, built without OpenMP as whisper-rs-sys does) waits at its
# barrier by spinning on an atomic until the last thread arrives. On an idle host that is the
# fastest wait there is. On a busy host it is the slowest: when another process shares a core
# with one of Whisper's threads, the thread that arrived first spins through its whole time slice
# while the one it waits for is not running, at every one of the hundreds of barriers of each
# decoder step. With one of two cores kept busy, perf puts 23 % of a 2-thread run's cycles in
# `ggml_barrier`, and the run takes 2.7 times as long as idle (benches/README.md,
# "Transcription under load").
#
# With this edit a waiting thread spins for HEIMDEX_BARRIER_SPINS_DEFAULT (1,000) pauses, a few
# tens of microseconds, and then sleeps on a futex, which frees its core for the thread it waits
# for; the last thread to arrive wakes the sleepers, with a system call only when there are any.
# Idle runs take as long as before; that 2-thread run under load is about a third faster
# (16 s → 10–11 s; 2,000 pauses gave 11–12 s, 5,000 16 s, 0 10–11 s). The environment variable
# HEIMDEX_BARRIER_SPINS, read once per process, overrides the count (benchmarks compare with it).
# The computation is the same, so transcripts are identical. Linux only (futex); elsewhere the
# barrier spins as upstream does.
#
# Used as ggml_sgemm_job_runs.cmake is (see there): included by ggml_edits.cmake while
# whisper-rs-sys builds whisper.cpp, or run as a script with
# `cmake -DGGML_CPU_C=<ggml-cpu.c> -P ggml_barrier_sleeps.cmake`, which the tests use.
# Editing a file that is already edited does nothing; a ggml-cpu.c without the expected code
# stops the build with a message.

include_guard(GLOBAL)

if(NOT DEFINED GGML_CPU_C)
  set(GGML_CPU_C "${PROJECT_SOURCE_DIR}/src/ggml-cpu/ggml-cpu.c")
endif()

set(_marker "Heimdex: barrier sleeps")

set(_field_before [==[
    atomic_int GGML_CACHE_ALIGN n_barrier_passed;
]==])
set(_field_after [==[
    atomic_int GGML_CACHE_ALIGN n_barrier_passed;
    atomic_int n_barrier_sleepers; // Heimdex: threads asleep at the barrier
]==])

set(_barrier_before [==[
void ggml_barrier(struct ggml_threadpool * tp) {
]==])
set(_barrier_after [==[
// Heimdex: barrier sleeps. A thread waiting at the barrier spins this many pauses, then sleeps
// on a futex (heimdex-adapters/models/cmake/ggml_barrier_sleeps.cmake). The environment variable
// HEIMDEX_BARRIER_SPINS, read once, overrides it (benchmarks compare with it).
#define HEIMDEX_BARRIER_SPINS_DEFAULT 1000
#if defined(__linux__) && !defined(GGML_USE_OPENMP)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <limits.h>
#define HEIMDEX_BARRIER_CAN_SLEEP 1
static int heimdex_barrier_spins(void) {
    static atomic_int spins = -1;
    int value = atomic_load_explicit(&spins, memory_order_relaxed);
    if (value < 0) {
        const char * set = getenv("HEIMDEX_BARRIER_SPINS");
        value = set != NULL ? atoi(set) : HEIMDEX_BARRIER_SPINS_DEFAULT;
        value = value < 0 ? 0 : value;
        atomic_store_explicit(&spins, value, memory_order_relaxed);
    }
    return value;
}
static void heimdex_barrier_wait(struct ggml_threadpool * tp, int n_passed) {
    const int spins = heimdex_barrier_spins();
    for (int i = 0; atomic_load_explicit(&tp->n_barrier_passed, memory_order_relaxed) == n_passed; i++) {
        if (i < spins) {
            ggml_thread_cpu_relax();
            continue;
        }
        atomic_fetch_add_explicit(&tp->n_barrier_sleepers, 1, memory_order_seq_cst);
        // Sleeps only while the barrier is still closed: the kernel compares before it sleeps.
        syscall(SYS_futex, (int *) &tp->n_barrier_passed, FUTEX_WAIT_PRIVATE, n_passed, NULL, NULL, 0);
        atomic_fetch_sub_explicit(&tp->n_barrier_sleepers, 1, memory_order_seq_cst);
    }
}
static void heimdex_barrier_wake(struct ggml_threadpool * tp) {
    if (atomic_load_explicit(&tp->n_barrier_sleepers, memory_order_seq_cst) > 0) {
        syscall(SYS_futex, (int *) &tp->n_barrier_passed, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    }
}
#endif

void ggml_barrier(struct ggml_threadpool * tp) {
]==])

set(_last_before [==[
        atomic_fetch_add_explicit(&tp->n_barrier_passed, 1, memory_order_seq_cst);
        return;
    }

    // wait for other threads
    while (atomic_load_explicit(&tp->n_barrier_passed, memory_order_relaxed) == n_passed) {
        ggml_thread_cpu_relax();
    }
]==])
set(_last_after [==[
        atomic_fetch_add_explicit(&tp->n_barrier_passed, 1, memory_order_seq_cst);
#ifdef HEIMDEX_BARRIER_CAN_SLEEP
        heimdex_barrier_wake(tp);
#endif
        return;
    }

    // wait for other threads
#ifdef HEIMDEX_BARRIER_CAN_SLEEP
    heimdex_barrier_wait(tp, n_passed);
#else
    while (atomic_load_explicit(&tp->n_barrier_passed, memory_order_relaxed) == n_passed) {
        ggml_thread_cpu_relax();
    }
#endif
]==])

set(_init_before [==[
        threadpool->n_barrier_passed = 0;
]==])
set(_init_after [==[
        threadpool->n_barrier_passed = 0;
        threadpool->n_barrier_sleepers = 0;
]==])

function(_heimdex_replace_once text before after out_text)
  string(FIND "${text}" "${before}" _found)
  if(_found EQUAL -1)
    message(FATAL_ERROR
      "${GGML_CPU_C}: ggml's barrier is not the one heimdex-adapters/models/cmake/"
      "ggml_barrier_sleeps.cmake was written for (whisper-rs-sys 0.15.0). Update that file for "
      "this whisper.cpp, or leave it out of ggml_edits.cmake.")
  endif()
  string(LENGTH "${before}" _length)
  math(EXPR _end "${_found} + ${_length}")
  string(SUBSTRING "${text}" 0 ${_found} _prefix)
  string(SUBSTRING "${text}" ${_end} -1 _suffix)
  set(${out_text} "${_prefix}${after}${_suffix}" PARENT_SCOPE)
endfunction()

file(READ "${GGML_CPU_C}" _text)
string(FIND "${_text}" "${_marker}" _edited)
if(_edited EQUAL -1)
  _heimdex_replace_once("${_text}" "${_field_before}" "${_field_after}" _text)
  _heimdex_replace_once("${_text}" "${_barrier_before}" "${_barrier_after}" _text)
  _heimdex_replace_once("${_text}" "${_last_before}" "${_last_after}" _text)
  _heimdex_replace_once("${_text}" "${_init_before}" "${_init_after}" _text)
  file(WRITE "${GGML_CPU_C}" "${_text}")
  message(STATUS "heimdex: ggml's barrier sleeps after spinning (${GGML_CPU_C})")
endif()
