//! Pure metric math: `percentile_cont`, RTF, and the summaries of contract §4.
