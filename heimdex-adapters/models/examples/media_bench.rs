//! Times one media function on one file and prints one JSON line: what
//! `benches/media_side_by_side.sh` runs for Heimdex's side (decode-only, scene detection,
//! transcription), next to PySceneDetect and faster-whisper on the same file.
//!
//! ```sh
//! cargo build --release -p heimdex-models --features whisper --example media_bench
//! media_bench decode FILE            # {"what":"decode","seconds":…,"frames":…}: every frame
//!                                   # decoded exactly (deblocking on)
//! media_bench decode-fast FILE       # decoded as scene detection decodes (deblocking skipped)
//! media_bench scenes FILE            # … "frames":…,"cuts":[…]
//! media_bench keyframes FILE         # … "scenes":…,"keyframes":…: KeyframeExtractor's defaults
//!                                   # (JPEGs into a temporary folder) for the detected scenes
//! media_bench transcribe FILE MODEL [BEAM]  # … "load_s":…,"text":"…"  (MODEL: ggml file;
//!                                   # BEAM: beam width, default TranscriptionConfig's 5;
//!                                   # HEIMDEX_WHISPER_THREADS as for `heimdex`)
//! ```
//!
//! `seconds` is the wall time of the call alone (opening the file included, process start-up
//! not). For `keyframes` it times the extraction alone, not the scene detection before it. For
//! `transcribe` it includes loading the model, which `load_s` times on its own.

#[cfg(feature = "whisper")]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match bench::run(&args) {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("media_bench: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "whisper"))]
fn main() {
    eprintln!("media_bench needs --features whisper");
    std::process::exit(2);
}

#[cfg(feature = "whisper")]
mod bench {
    use std::path::Path;
    use std::time::Instant;

    use heimdex_core::{SceneRecord, VideoId};
    use heimdex_media::{
        decode_only, detect_scenes, KeyframeConfig, KeyframeExtractor, SceneDetectionConfig,
    };
    use heimdex_models::whisper::{transcribe_file, TranscriptionConfig};
    use serde_json::json;

    const USAGE: &str =
        "usage: media_bench decode|decode-fast|scenes|keyframes FILE | transcribe FILE MODEL [BEAM]";

    /// Runs the function `args` name and returns its JSON line.
    pub fn run(args: &[String]) -> Result<String, String> {
        let (what, file) = match args {
            [what, file, ..] => (what.as_str(), Path::new(file)),
            _ => return Err(USAGE.into()),
        };
        let start = Instant::now();
        let out = match (what, args.get(2)) {
            ("decode", None) => {
                let exact = SceneDetectionConfig {
                    skip_deblocking: false,
                    ..SceneDetectionConfig::default()
                };
                let frames = decode_only(file, &exact).map_err(|e| e.to_string())?;
                json!({ "frames": frames })
            }
            ("decode-fast", None) => {
                let frames = decode_only(file, &SceneDetectionConfig::default())
                    .map_err(|e| e.to_string())?;
                json!({ "frames": frames })
            }
            ("scenes", None) => {
                let found = detect_scenes(file, &SceneDetectionConfig::default())
                    .map_err(|e| e.to_string())?;
                json!({ "frames": found.frames, "cuts": found.scenes.cuts() })
            }
            ("keyframes", None) => {
                let found = detect_scenes(file, &SceneDetectionConfig::default())
                    .map_err(|e| e.to_string())?;
                let scenes: Vec<SceneRecord> = found
                    .scenes
                    .0
                    .iter()
                    .map(|s| SceneRecord::new(s.index, s.start_s, s.end_s))
                    .collect();
                let root = std::env::temp_dir().join(format!("media_bench-{}", std::process::id()));
                let extractor = KeyframeExtractor::new(KeyframeConfig::with_root(&root));
                let start = Instant::now();
                let taken = extractor.extract(file, VideoId::new_v4(), &scenes);
                let seconds = start.elapsed().as_secs_f64();
                let _ = std::fs::remove_dir_all(&root);
                let taken = taken.map_err(|e| e.to_string())?;
                let keyframes: usize = taken.iter().map(|s| s.frames.len()).sum();
                let line = json!({
                    "what": what, "seconds": seconds, "scenes": scenes.len(), "keyframes": keyframes,
                });
                return Ok(line.to_string());
            }
            ("transcribe", Some(model)) => {
                // The environment's settings (HEIMDEX_WHISPER_THREADS …), as `heimdex` reads them.
                let mut config = TranscriptionConfig {
                    model: model.into(),
                    language: Some("en".into()),
                    ..TranscriptionConfig::from_env().map_err(|e| e.to_string())?
                };
                if let Some(beam) = args.get(3) {
                    config.beam_size = beam.parse().map_err(|_| USAGE.to_string())?;
                }
                let load_s = load_seconds(model)?;
                let start = Instant::now();
                let transcript = transcribe_file(file, &config).map_err(|e| e.to_string())?;
                let seconds = start.elapsed().as_secs_f64();
                let line = json!({
                    "what": what, "seconds": seconds, "load_s": load_s,
                    "beam_size": config.beam_size, "text": transcript.text,
                });
                return Ok(line.to_string());
            }
            _ => return Err(USAGE.into()),
        };
        let mut line = out;
        line["what"] = what.into();
        line["seconds"] = start.elapsed().as_secs_f64().into();
        Ok(line.to_string())
    }

    /// How long loading the model takes on its own (whisper.cpp, CPU), so a reader can take it out
    /// of the transcription time: the same load `transcribe_file` does first.
    fn load_seconds(model: &str) -> Result<f64, String> {
        whisper_rs::install_logging_hooks();
        let start = Instant::now();
        let params = whisper_rs::WhisperContextParameters::default();
        whisper_rs::WhisperContext::new_with_params(model, params)
            .map_err(|e| format!("loading {model}: {e}"))?;
        Ok(start.elapsed().as_secs_f64())
    }
}
