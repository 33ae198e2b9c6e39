# Heimdex's edits to whisper-rs-sys's private copy of ggml, applied while it builds whisper.cpp:
# .cargo/config.toml sets CMAKE_PROJECT_ggml_INCLUDE to this file, whisper-rs-sys passes CMAKE_*
# variables on to CMake, and CMake includes it right after ggml's project(). Each edit is its
# own script (see each for what it changes and why); neither touches the crate in Cargo's
# registry.
include("${CMAKE_CURRENT_LIST_DIR}/ggml_sgemm_job_runs.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ggml_barrier_sleeps.cmake")
