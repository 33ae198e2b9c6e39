//! `heimdex process` on real media made here with the ffmpeg CLI: a two-shot clip is described
//! (metadata, the cut, every stage's time, RTF) and its scenes stored with their JPEG keyframes,
//! quality and perceptual hash; a file that is not media fails at `metadata` with a clear
//! message while the good file still gets its answer.

mod process_support;

use std::path::Path;

use process_support::{process_json, scratch, two_shot_clip};
use serde_json::Value;

#[test]
fn process_describes_real_media_and_reports_a_broken_file_without_losing_the_good_one() {
    let dir = scratch("process");
    let clip = two_shot_clip(&dir, true);
    let junk = dir.join("junk.mp4");
    std::fs::write(&junk, [7u8; 4096]).unwrap();
    let out = process_json(&dir).arg(&clip).arg(&junk).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "one file failed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 of 2 files failed"), "{stderr}");
    let results: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (good, bad) = (&results[0], &results[1]);

    assert_eq!(good["outcome"], "succeeded", "{good:#}");
    let metadata = &good["metadata"];
    assert!((metadata["duration_s"].as_f64().unwrap() - 4.0).abs() < 0.05);
    assert_eq!(
        (metadata["width"].as_u64(), metadata["height"].as_u64()),
        (Some(320), Some(240))
    );
    assert_eq!(metadata["frame_rate"].as_f64(), Some(25.0));
    assert_eq!(metadata["video_codec"], "h264");
    assert_eq!(metadata["audio_streams"][0]["codec"], "aac");
    let stages: Vec<&str> = good["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    let mut expected = vec!["downloading", "metadata", "scene_detection"];
    if cfg!(feature = "whisper") {
        expected.push("transcription");
    }
    expected.extend(["scene_processing", "indexing"]);
    assert_eq!(stages, expected, "the stages this build has, in order");
    assert!(good["stages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["outcome"] == "ok"));
    let scenes = good["scenes"].as_array().unwrap();
    assert_eq!(scenes.len(), 2, "{scenes:?}");
    assert!(
        (scenes[1]["start_s"].as_f64().unwrap() - 2.0).abs() <= 0.04,
        "cut within a frame"
    );
    for scene in scenes {
        let keyframes = scene["keyframes"].as_array().unwrap();
        assert!((1..=3).contains(&keyframes.len()), "{scene:#}");
        for file in keyframes {
            let file = Path::new(file.as_str().unwrap());
            assert!(
                file.starts_with(dir.join("keyframes")),
                "{}",
                file.display()
            );
            let bytes = std::fs::read(file).unwrap();
            assert!(
                bytes.starts_with(&[0xFF, 0xD8]),
                "{} is a JPEG",
                file.display()
            );
        }
        let quality = scene["quality"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&quality), "{scene:#}");
        let hash = scene["perceptual_hash"].as_str().unwrap_or_default();
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "the best keyframe's perceptual hash: {scene:#}"
        );
    }
    assert_ne!(
        scenes[0]["perceptual_hash"], scenes[1]["perceptual_hash"],
        "a test pattern and flat red look different"
    );
    assert!(
        scenes[0]["quality"].as_f64() > scenes[1]["quality"].as_f64(),
        "the test pattern is sharper than flat red: {scenes:#?}"
    );
    let rtf = good["rtf"].as_f64().unwrap();
    let processing_s = good["processing_ms"].as_f64().unwrap() / 1000.0;
    let duration = metadata["duration_s"].as_f64().unwrap();
    assert!(
        (rtf - processing_s / duration).abs() < 1e-9,
        "rtf is the row's ratio"
    );

    assert_eq!(bad["outcome"], "failed");
    assert_eq!(bad["failure"]["stage"], "metadata");
    assert_eq!(bad["failure"]["kind"], "input");
    assert!(
        bad["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("junk.mp4"),
        "{bad:#}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
