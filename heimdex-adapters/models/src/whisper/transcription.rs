//! [`Transcription`]: the `transcription` stage.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use heimdex_core::{FailureKind, JobContext, Stage, StageError, StageName};
use whisper_rs::WhisperContext;

use super::audio::{self, Audio};
use super::blocking::{self, Stop};
use super::config::{language_code, TranscriptionConfig};
use super::model::ModelCache;
use super::params::whisper_params;
use super::spans::sound_spans;
use super::transcript::{spoken_text, Segment, Transcript};
use heimdex_media::cores::{HostLoad, ThreadBudget};
use heimdex_stages::SourceFile;

/// Runs as `transcription`: decodes the source's best audio stream (main programme before
/// commentary and description tracks, then more channels) to 16 kHz mono with FFmpeg, runs
/// Whisper on it (whisper.cpp, on the blocking pool) and leaves a [`Transcript`] with timed
/// segments in the job's context.
///
/// Quality gate: audio quieter than [`TranscriptionConfig::silence_dbfs`] is not transcribed,
/// and silences of 30 s or more inside it, and silence before its first sound and after its
/// last, are cut out before Whisper runs (each would cost a window, and silence is where
/// Whisper hallucinates). Segments above
/// [`TranscriptionConfig::no_speech_threshold`], and segments that are only annotations
/// (`[Music]`, `(applause)`, `♪`) or punctuation, are dropped. Silence and music therefore give
/// an empty transcript, which is a success.
///
/// Runs in one process share one thread per core: a run whose threads would push whisper.cpp's
/// threads in flight past the cores waits until enough are free (whisper.cpp's threads spin
/// while they wait for each other, so sharing cores makes every run many times slower). A run
/// never gets more threads than cores, and gets fewer while runs of other Heimdex processes on
/// the host hold some (it waits while they hold all); before each stretch of sound after a long
/// silence, it takes those that have come free since, up to what it asked for. Before each
/// stretch it also leaves out the cores that other processes (a database, a build, anyone's
/// work) kept busy since the last look ([`HostLoad`]): beside a busy core, one thread is faster
/// than two.
///
/// A source without an audio stream also gives an empty transcript (a silent video is valid
/// input, not a failure). Failures: `model` when the model file is missing or unreadable (the
/// message says to run `scripts/setup-whisper`) or the configured language is not one Whisper
/// knows; `input` when the source cannot be opened or
/// read; `decode` when the audio cannot be decoded or resampled or Whisper fails on it.
#[derive(Debug, Default)]
pub struct Transcription {
    config: TranscriptionConfig,
    model: Arc<ModelCache>,
}

impl Transcription {
    /// The stage with `config`; the model loads on the first job.
    pub fn new(config: TranscriptionConfig) -> Self {
        Self {
            config,
            model: Arc::default(),
        }
    }

    /// Its configuration.
    pub fn config(&self) -> &TranscriptionConfig {
        &self.config
    }
}

#[async_trait]
impl Stage for Transcription {
    fn name(&self) -> StageName {
        StageName::TRANSCRIPTION
    }

    async fn run(&self, ctx: &mut JobContext) -> Result<(), StageError> {
        let path = ctx
            .get::<SourceFile>()
            .map(|file| file.path.clone())
            .unwrap_or_else(|| PathBuf::from(&ctx.job.source));
        let config = self.config.clone();
        let model = self.model.clone();
        // Never more whisper.cpp threads in flight than cores: a run waits for its turn.
        let mut threads = ThreadBudget::global().take(config.threads()).await;
        let transcript = blocking::run(move |stop| {
            transcribe_with(&path, &config, &model, stop, &mut || threads.top_up())
        })
        .await?;
        ctx.insert(transcript);
        Ok(())
    }
}

/// Transcribes the file at `path` outside a pipeline (blocking: call it from a blocking thread),
/// loading the model of `config`. Fails as the stage does.
pub fn transcribe_file(
    path: &Path,
    config: &TranscriptionConfig,
) -> Result<Transcript, StageError> {
    let (model, threads) = (ModelCache::default(), config.threads());
    transcribe_with(path, config, &model, &Stop::default(), &mut || threads)
}

/// Transcribes the file at `path`. `wanted` says, before each stretch of sound, how many threads
/// the run may have; it gets fewer while other processes keep cores busy ([`HostLoad`], measured
/// from here on, so the first stretch sees the load during the model's load and the decoding).
fn transcribe_with(
    path: &Path,
    config: &TranscriptionConfig,
    model: &ModelCache,
    stop: &Stop,
    wanted: &mut dyn FnMut() -> usize,
) -> Result<Transcript, StageError> {
    let mut host = HostLoad::start();
    // The settings and the model first: either fails every job, whatever its audio.
    let spoken = match &config.language {
        None => None,
        Some(value) => language_code(value).ok_or_else(|| {
            StageError::new(
                FailureKind::Model,
                format!("the configured language {value:?} is not one Whisper knows"),
            )
        })?,
    };
    let ctx = model.get(&config.model)?;
    let Some(audio) = audio::decode(path, stop)? else {
        return Ok(Transcript::default());
    };
    let level = level_dbfs(&audio.samples);
    tracing::debug!(
        stream = audio.stream,
        seconds = audio.samples.len() as f64 / f64::from(audio::RATE),
        level_dbfs = level,
        "transcription: decoded audio"
    );
    if audio.samples.is_empty() || level < config.silence_dbfs {
        return Ok(Transcript::default());
    }
    let mut threads = || host.fit(wanted());
    run_whisper(
        &ctx,
        &audio,
        config,
        spoken.as_deref(),
        stop,
        &mut threads,
        path,
    )
}

/// The RMS level of `samples` in dBFS (−∞ for digital silence).
pub(crate) fn level_dbfs(samples: &[f32]) -> f32 {
    let mean_square = samples
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        / samples.len() as f64;
    (10.0 * mean_square.log10()) as f32
}

/// Runs Whisper on each of the audio's [`sound_spans`] (long and edge silences cut out) and
/// joins their segments, dated from the video's start (the audio's own start,
/// [`Audio::start_s`], added; nothing before 0). `spoken` is the configured language's code;
/// `threads` says, before each span, how many threads whisper.cpp may use for it.
fn run_whisper(
    ctx: &WhisperContext,
    audio: &Audio,
    config: &TranscriptionConfig,
    spoken: Option<&str>,
    stop: &Stop,
    threads: &mut dyn FnMut() -> usize,
    path: &Path,
) -> Result<Transcript, StageError> {
    let failed = |what: &str, err: whisper_rs::WhisperError| {
        StageError::new(
            FailureKind::Decode,
            format!(
                "Whisper failed {what} on the audio of {}: {err}",
                path.display()
            ),
        )
    };
    let mut state = ctx.create_state().map_err(|err| failed("to start", err))?;
    let language = match (spoken, ctx.is_multilingual()) {
        (_, false) => Some("en"),
        (Some(code), true) => Some(code),
        (None, true) => Some("auto"),
    };
    let rate = audio::RATE as usize;
    let samples = audio.samples.as_slice();
    let spans = sound_spans(samples, rate, config.silence_dbfs);
    let (mut segments, mut detected) = (Vec::new(), None);
    for span in spans {
        let offset_s = audio.start_s + span.samples.start as f64 / rate as f64;
        let sound_from_s = (audio.start_s + span.sound_from as f64 / rate as f64).max(0.0);
        if stop.is_set() {
            return Err(Stop::stopped());
        }
        let count = threads();
        tracing::debug!(
            threads = count,
            from_s = offset_s,
            seconds = span.samples.len() as f64 / rate as f64,
            "transcription: Whisper on a stretch of sound"
        );
        let params = whisper_params(config, count, language, stop);
        // An aborted run fails; it is the stop, not the audio, that failed it.
        state
            .full(params, &samples[span.samples])
            .map_err(|err| match stop.is_set() {
                true => Stop::stopped(),
                false => failed("transcribing", err),
            })?;
        if detected.is_none() {
            let id = state.full_lang_id_from_state();
            detected = whisper_rs::get_lang_str(id).map(str::to_owned);
        }
        for segment in state.as_iter() {
            let no_speech_prob = segment.no_speech_probability();
            let text = segment
                .to_str_lossy()
                .map_err(|err| failed("reading text", err))?;
            let text = spoken_text(&text);
            // Whisper's own rule: a window is silence only when the no-speech probability is
            // high *and* the decoded text is unlikely; a confident transcript is kept whatever
            // the probability says (dropping on the probability alone lost half of real speech).
            let avg_logprob = average_logprob(&segment, ctx.token_eot());
            if text.is_empty()
                || (no_speech_prob > config.no_speech_threshold && avg_logprob < LOGPROB_THRESHOLD)
            {
                continue;
            }
            // whisper.cpp counts in centiseconds, from the start of the span; it dates a
            // span's first words from that start, quiet margin included, so no segment starts
            // before the span's sound does.
            let start_s = (offset_s + segment.start_timestamp() as f64 / 100.0).max(sound_from_s);
            let end_s = (offset_s + segment.end_timestamp() as f64 / 100.0).max(start_s);
            segments.push(Segment {
                start_s,
                end_s,
                text,
                no_speech_prob,
            });
        }
    }
    let language = match language {
        Some("auto") | None => detected,
        Some(code) => Some(code.to_owned()),
    };
    Ok(Transcript::new(segments, language))
}

/// Whisper's `logprob_threshold`: below this average token log-probability a window whose
/// no-speech probability is over the threshold counts as silence.
const LOGPROB_THRESHOLD: f32 = -1.0;

/// The mean log-probability of the segment's text tokens (special tokens, from end-of-text up,
/// are left out); `-inf` for a segment without text tokens.
fn average_logprob(
    segment: &whisper_rs::WhisperSegment<'_>,
    eot: whisper_rs::WhisperTokenId,
) -> f32 {
    let (sum, n) = (0..segment.n_tokens())
        .filter_map(|i| segment.get_token(i))
        .map(|token| token.token_data())
        .filter(|data| data.id < eot)
        .fold((0.0f32, 0u32), |(sum, n), data| (sum + data.plog, n + 1));
    if n == 0 {
        f32::NEG_INFINITY
    } else {
        sum / n as f32
    }
}

#[cfg(test)]
#[path = "transcription_tests.rs"]
mod tests;
