//! Whisper's parameters for one run of a stretch of sound.

use whisper_rs::{FullParams, SamplingStrategy};

use super::blocking::Stop;
use super::config::TranscriptionConfig;

/// The closure type whisper-rs 0.16's abort trampoline expects (see [`whisper_params`]).
type AbortCallback = Box<dyn FnMut() -> bool>;

/// Whisper's parameters for one run: `config`'s beam and gate, `threads`, and `stop` watched.
pub(crate) fn whisper_params<'a>(
    config: &TranscriptionConfig,
    threads: usize,
    language: Option<&'a str>,
    stop: &Stop,
) -> FullParams<'a, 'a> {
    let beam_size = i32::try_from(config.beam_size).unwrap_or(1);
    let strategy = if beam_size > 1 {
        SamplingStrategy::BeamSearch {
            beam_size,
            patience: -1.0,
        }
    } else {
        SamplingStrategy::Greedy { best_of: 1 }
    };
    let mut params = FullParams::new(strategy);
    params.set_n_threads(i32::try_from(threads).unwrap_or(1));
    params.set_language(language);
    params.set_print_special(false);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    // Each 30 s window on its own: a hallucination cannot carry into the next one.
    params.set_no_context(true);
    params.set_suppress_blank(true);
    params.set_suppress_nst(true);
    params.set_no_speech_thold(config.no_speech_threshold);
    // whisper.cpp asks between graph steps whether to stop, so a cancelled job's run ends
    // within milliseconds instead of finishing in the background. whisper-rs 0.16's
    // `set_abort_callback_safe` stores the closure as a `Box<dyn FnMut() -> bool>` but its
    // trampoline reads that data as `F`: with `F` being that very boxed trait object, the two
    // agree. (whisper-rs never frees the box: one small allocation per run.)
    let watched = stop.clone();
    let abort: AbortCallback = Box::new(move || watched.is_set());
    params.set_abort_callback_safe::<_, AbortCallback>(Some(abort));
    params
}
