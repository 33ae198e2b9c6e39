//! The cores that CPU-heavy stages share, within a process ([`ThreadBudget`]) and across the
//! Heimdex processes of a host ([`HostCores`](host_cores::HostCores)).
//!
//! whisper.cpp's threads meet at a spinning barrier, so a `transcription` run with fewer cores
//! than threads slows down many times over: beside another run, and beside another video's
//! scene detection (16.5 s against 3.7 s alone on 2 cores; benches/README.md, "Whisper runs
//! side by side"). `transcription` takes a thread per core it uses; `scene_detection` holds one
//! core while it decodes, so that a Whisper run beside it takes the cores left and never more.

mod budget;
mod host_cores;

pub(crate) use budget::ThreadBudget;
