# Hands out ggml's tinyBLAS matrix products to threads in runs of consecutive jobs.
#
# Upstream tinyBLAS (ggml-cpu/llamafile/sgemm.cpp) gives each thread one job, a block of 8 or 16
# weight rows, per bump of one shared atomic counter. For Whisper's decoder that is about 6,500
# bumps per token for the output projection alone, so both threads fight over one cache line, and
# each reads the weights in interleaved 6 KB pieces instead of one long stream. With this change
# the counter hands out runs of consecutive jobs, `nth * 8` runs per product (each thread still
# takes a new run when it finishes one, so a slow thread is still balanced out). Each output is
# computed by the same code in the same order, so transcripts are identical. Measured in
# benches/README.md ("tinyBLAS jobs in runs"): tiny.en on 2 cores 14–16 % faster on an
# Intel host, about 5 % on a Zen 4 one.
#
# Used two ways:
# - while whisper-rs-sys builds whisper.cpp: .cargo/config.toml sets CMAKE_PROJECT_ggml_INCLUDE
#   to ggml_edits.cmake, which includes this file; whisper-rs-sys passes CMAKE_* variables on to
#   CMake, and CMake includes it right after ggml's project(). It edits whisper-rs-sys's private
#   copy of the sources in its OUT_DIR, never the crate in Cargo's registry;
# - as a script, `cmake -DSGEMM_CPP=<sgemm.cpp> -P ggml_sgemm_job_runs.cmake`, which the tests use.
#
# Editing a file that is already edited does nothing. A sgemm.cpp without the expected loop (a
# whisper-rs-sys other than 0.15.0) stops the build with a message, so the change never silently
# goes missing.

include_guard(GLOBAL)

if(NOT DEFINED SGEMM_CPP)
  set(SGEMM_CPP "${PROJECT_SOURCE_DIR}/src/ggml-cpu/llamafile/sgemm.cpp")
endif()

set(_marker "Heimdex: runs of jobs")

# Upstream's job loop: its head and its tail.
set(_head_before [==[
        int64_t job = params->ith;
        while (job < nb_job) {
]==])
set(_tail_before [==[
                GGML_ASSERT(jj == jj2);
            }

            job = ggml_threadpool_chunk_add(params->threadpool, 1);
        }
]==])

set(_head_after [==[
        // Heimdex: runs of jobs. The counter hands out nth * 8 runs of consecutive jobs rather
        // than one job at a time (heimdex-adapters/models/cmake/ggml_sgemm_job_runs.cmake).
        const int64_t nb_run = std::min<int64_t>(nb_job, params->nth * 8);
        const int64_t run_size = (nb_job + nb_run - 1) / nb_run;
        int64_t run = params->ith;
        while (run * run_size < nb_job) {
          const int64_t job_end = std::min<int64_t>(nb_job, (run + 1) * run_size);
          for (int64_t job = run * run_size; job < job_end; ++job) {
]==])
set(_tail_after [==[
                GGML_ASSERT(jj == jj2);
            }
          }
          run = ggml_threadpool_chunk_add(params->threadpool, 1);
        }
]==])

# Replaces the first `before` in `text` at or after `from` with `after`; `at` gets where it was.
function(_heimdex_replace_first text from before after out_text out_at)
  string(SUBSTRING "${text}" ${from} -1 _rest)
  string(FIND "${_rest}" "${before}" _found)
  if(_found EQUAL -1)
    message(FATAL_ERROR
      "${SGEMM_CPP}: tinyBLAS's job loop is not the one heimdex-adapters/models/cmake/"
      "ggml_sgemm_job_runs.cmake was written for (whisper-rs-sys 0.15.0). Update the loop in that "
      "file for this whisper.cpp, or leave it out of ggml_edits.cmake.")
  endif()
  math(EXPR _at "${from} + ${_found}")
  string(LENGTH "${before}" _length)
  math(EXPR _end "${_at} + ${_length}")
  string(SUBSTRING "${text}" 0 ${_at} _prefix)
  string(SUBSTRING "${text}" ${_end} -1 _suffix)
  set(${out_text} "${_prefix}${after}${_suffix}" PARENT_SCOPE)
  set(${out_at} ${_at} PARENT_SCOPE)
endfunction()

file(READ "${SGEMM_CPP}" _text)
string(FIND "${_text}" "${_marker}" _edited)
if(_edited EQUAL -1)
  # The first loop is tinyBLAS's, the portable one x86 and Arm use (RISC-V's own class, further
  # down, is left as it is).
  _heimdex_replace_first("${_text}" 0 "${_head_before}" "${_head_after}" _text _head_at)
  _heimdex_replace_first("${_text}" ${_head_at} "${_tail_before}" "${_tail_after}" _text _tail_at)
  file(WRITE "${SGEMM_CPP}" "${_text}")
  message(STATUS "heimdex: tinyBLAS hands out runs of jobs (${SGEMM_CPP})")
endif()
