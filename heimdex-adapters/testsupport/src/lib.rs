//! What Heimdex's tests share across crates: fresh PostgreSQL databases on `DATABASE_URL` or a
//! throwaway cluster ([`pg`], [`cluster`]), timing histories ([`events`]), and clips made with
//! the ffmpeg and espeak-ng command-line tools ([`media`]). Not published.

pub mod cluster;
pub mod events;
pub mod media;
pub mod pg;
