//! What `heimdex process` shows for one file: a JSON object (the `--json` output) and the text
//! rendering of it.

use std::fmt::Write as _;

use heimdex_core::record::VideoRecord;
use heimdex_core::{JobOutcome, Outcome, RunReport, SceneRecord};
use serde_json::{json, Value};

/// `file`, `outcome`, `metadata`, `scenes`, `image_embeddings` (the CLIP-style model used, or
/// why none was), `transcript`, `stages` and `rtf` for one run. RTF is
/// the stored row's, exactly as the admin metrics compute it (processing seconds per second of
/// video), and `null` when the video has no duration.
pub(crate) fn describe(
    file: &str,
    report: &RunReport,
    row: Option<&VideoRecord>,
    scenes: &[SceneRecord],
) -> Value {
    let (outcome, failure) = match &report.outcome {
        JobOutcome::Succeeded => ("succeeded", Value::Null),
        JobOutcome::Failed {
            stage,
            kind,
            message,
        } => (
            "failed",
            json!({ "stage": stage.as_str(), "kind": kind.as_str(), "message": message }),
        ),
    };
    let stages: Vec<Value> = report
        .stages
        .iter()
        .map(|s| {
            json!({
                "stage": s.stage.as_str(),
                "duration_ms": s.elapsed.as_micros() as f64 / 1e3,
                "outcome": s.outcome.as_str(),
                "error": match &s.outcome {
                    Outcome::Ok => Value::Null,
                    Outcome::Failed { message, .. } => Value::String(message.clone()),
                },
            })
        })
        .collect();
    let rtf = row.and_then(|r| match (r.processing_duration_ms, r.duration_s) {
        (Some(ms), Some(d)) if d > 0.0 => Some(ms as f64 / 1000.0 / d),
        _ => None,
    });
    let scenes: Vec<Value> = scenes
        .iter()
        .map(|s| {
            json!({
                "index": s.index, "start_s": s.start_s, "end_s": s.end_s,
                "keyframes": s.keyframes, "quality": s.quality, "transcript": s.transcript,
                "embedding_dim": s.embedding.as_ref().map(Vec::len),
                "image_embedding_dim": s.image_embedding.as_ref().map(Vec::len),
                "perceptual_hash": s.perceptual_hash,
            })
        })
        .collect();
    json!({
        "file": file,
        "video_id": row.map(|r| r.id.to_string()),
        "outcome": outcome,
        "failure": failure,
        "metadata": metadata(report),
        "scenes": scenes,
        "image_embeddings": image_embeddings(),
        "transcript": transcript(report),
        "stages": stages,
        "processing_ms": row.and_then(|r| r.processing_duration_ms),
        "rtf": rtf,
    })
}

/// The CLIP-style model the scenes' image embeddings come from (`HEIMDEX_CLIP_MODEL`), or why
/// there are none.
#[cfg(feature = "embeddings")]
fn image_embeddings() -> String {
    use heimdex_adapters::embeddings::{configured_clip_model, CLIP_MODEL_ENV};
    configured_clip_model().map_or_else(
        || format!("no model configured ({CLIP_MODEL_ENV})"),
        |dir| dir.display().to_string(),
    )
}

/// Without the `embeddings` feature there are no image embeddings.
#[cfg(not(feature = "embeddings"))]
fn image_embeddings() -> String {
    "not in this build (feature embeddings)".to_owned()
}

#[cfg(feature = "media")]
fn metadata(report: &RunReport) -> Value {
    use heimdex_adapters::media::MediaFacts;
    report
        .context
        .get::<MediaFacts>()
        .and_then(|facts| serde_json::to_value(facts).ok())
        .unwrap_or(Value::Null)
}

#[cfg(not(feature = "media"))]
fn metadata(_report: &RunReport) -> Value {
    Value::Null
}

/// The transcript `transcription` left: `text`, `language`, `segments` [{`start_s`, `end_s`,
/// `text`, `no_speech_prob`}]; `null` when the stage did not run.
#[cfg(feature = "whisper")]
fn transcript(report: &RunReport) -> Value {
    use heimdex_adapters::whisper::Transcript;
    report
        .context
        .get::<Transcript>()
        .and_then(|t| serde_json::to_value(t).ok())
        .unwrap_or(Value::Null)
}

/// Without the `whisper` feature there is no transcription stage: `null`.
#[cfg(not(feature = "whisper"))]
fn transcript(_report: &RunReport) -> Value {
    Value::Null
}

/// The text a person reads: a header per file, the metadata line, the stage times, the scenes
/// and the transcript.
pub(crate) fn render_text(d: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}",
        d["file"].as_str().unwrap_or("?"),
        d["outcome"].as_str().unwrap_or("?"),
    );
    if let Some(error) = d["error"].as_str() {
        let _ = writeln!(out, "  error: {error}");
        return out;
    }
    if !d["failure"].is_null() {
        let f = &d["failure"];
        let _ = writeln!(
            out,
            "  failed at {} ({}): {}",
            f["stage"].as_str().unwrap_or("?"),
            f["kind"].as_str().unwrap_or("?"),
            f["message"].as_str().unwrap_or("?"),
        );
    }
    let m = &d["metadata"];
    if !m.is_null() {
        let _ = writeln!(
            out,
            "  {:.2} s, {}x{}, {} fps, {} video, {} audio stream(s)",
            m["duration_s"].as_f64().unwrap_or(0.0),
            m["width"],
            m["height"],
            m["frame_rate"]
                .as_f64()
                .map_or("?".into(), |f| format!("{f:.2}")),
            m["video_codec"].as_str().unwrap_or("?"),
            m["audio_streams"].as_array().map_or(0, Vec::len),
        );
    }
    for s in d["stages"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "  {:<18} {:>10.1} ms  {}",
            s["stage"].as_str().unwrap_or("?"),
            s["duration_ms"].as_f64().unwrap_or(0.0),
            s["outcome"].as_str().unwrap_or("?"),
        );
    }
    if let Some(rtf) = d["rtf"].as_f64() {
        let _ = writeln!(out, "  real-time factor {rtf:.3}");
    }
    for s in d["scenes"].as_array().into_iter().flatten() {
        let quality = s["quality"]
            .as_f64()
            .map_or("-".into(), |q| format!("{q:.2}"));
        let _ = writeln!(
            out,
            "  scene {:>3}  {:>8.2} s – {:>8.2} s  quality {quality:<4}  hash {:<16}  {}",
            s["index"].as_u64().unwrap_or(0),
            s["start_s"].as_f64().unwrap_or(0.0),
            s["end_s"].as_f64().unwrap_or(0.0),
            s["perceptual_hash"].as_str().unwrap_or("-"),
            s["transcript"].as_str().unwrap_or(""),
        );
    }
    if let Some(images) = d["image_embeddings"].as_str() {
        let _ = writeln!(out, "  image embeddings: {images}");
    }
    if let Some(text) = d["transcript"]["text"].as_str() {
        let _ = writeln!(out, "  transcript: {text}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described() -> Value {
        json!({
            "file": "clip.mp4", "outcome": "succeeded", "failure": null,
            "metadata": {"duration_s": 4.0, "width": 320, "height": 240, "frame_rate": 25.0,
                         "video_codec": "h264", "audio_streams": [{"codec": "aac"}]},
            "stages": [{"stage": "metadata", "duration_ms": 12.5, "outcome": "ok"}],
            "rtf": 0.125,
            "scenes": [
                {"index": 0, "start_s": 0.0, "end_s": 2.0, "quality": 0.834,
                 "perceptual_hash": "8f3c00ff12345678", "transcript": "hello there"},
                {"index": 1, "start_s": 2.0, "end_s": 4.0, "quality": null,
                 "perceptual_hash": null, "transcript": null},
            ],
            "image_embeddings": null,
            "transcript": {"text": "hello there"},
        })
    }

    #[test]
    fn text_shows_metadata_stages_rtf_and_each_scene_with_quality_and_hash() {
        let text = render_text(&described());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "clip.mp4 — succeeded");
        assert_eq!(
            lines[1],
            "  4.00 s, 320x240, 25.00 fps, h264 video, 1 audio stream(s)"
        );
        assert!(lines[2].starts_with("  metadata") && lines[2].contains("12.5 ms  ok"));
        assert_eq!(lines[3], "  real-time factor 0.125");
        assert!(
            lines[4].starts_with("  scene   0      0.00 s –     2.00 s"),
            "{}",
            lines[4]
        );
        assert!(
            lines[5].starts_with("  scene   1      2.00 s –     4.00 s"),
            "{}",
            lines[5]
        );
        assert!(lines[4].contains("quality 0.83"), "{}", lines[4]);
        assert!(lines[4].contains("hash 8f3c00ff12345678"), "{}", lines[4]);
        assert!(lines[4].ends_with("hello there"), "{}", lines[4]);
        // A scene without keyframes shows dashes, not zeros.
        assert!(lines[5].contains("quality -"), "{}", lines[5]);
        assert!(lines[5].contains("hash -"), "{}", lines[5]);
        assert_eq!(lines[6], "  transcript: hello there");
        assert_eq!(lines.len(), 7);
    }

    #[test]
    fn text_of_a_failed_file_names_the_stage_and_a_rejected_file_only_its_error() {
        let mut failed = described();
        failed["outcome"] = json!("failed");
        failed["failure"] = json!({"stage": "metadata", "kind": "input", "message": "not media"});
        let text = render_text(&failed);
        assert!(
            text.contains("  failed at metadata (input): not media"),
            "{text}"
        );
        let missing = json!({"file": "gone.mp4", "outcome": "rejected", "error": "no such file"});
        assert_eq!(
            render_text(&missing),
            "gone.mp4 — rejected\n  error: no such file\n"
        );
    }
}
