//! [`HostLoad`]: how many of this process's cores other processes kept busy lately.
//!
//! The core locks ([`HostCores`](super::host_cores::HostCores)) coordinate Heimdex processes
//! only. PostgreSQL, the API server, a build or anyone else's job use the cores too, and a
//! Whisper run with a thread per core beside them is slower than one with a thread fewer: with
//! one of two cores kept busy, 2 threads took 16 s (10 s once ggml's barrier sleeps) where 1
//! took 8 (benches/README.md, "Transcription under load"). So before each stretch of sound a run measures what others used
//! since the last look (Linux's `/proc/stat` over the CPUs this process may run on, less this
//! process's own CPU time) and leaves their share out.

/// The CPU time counters of one look: the host's busy and total ticks over this process's
/// CPUs, and this process's own ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ticks {
    pub busy: u64,
    pub total: u64,
    pub own: u64,
}

/// Fewer ticks than this between two looks (50 ms on 2 cores at Linux's usual 100 Hz) say too
/// little to act on.
const MIN_TICKS: u64 = 10;

/// Measures other processes' CPU use between looks. On systems without Linux's `/proc`, or when
/// it cannot be read, it never sees any.
#[derive(Debug)]
pub struct HostLoad {
    cpus: Option<Vec<usize>>,
    last: Option<Ticks>,
}

impl HostLoad {
    /// Starts measuring now.
    pub fn start() -> Self {
        let cpus = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| allowed_cpus(&status));
        let mut load = Self { cpus, last: None };
        load.last = load.look();
        load
    }

    /// `wanted` threads less the cores other processes kept busy since the last call (or the
    /// start), rounded to the nearest core, and at least 1. `wanted` when nothing could be
    /// measured.
    pub fn fit(&mut self, wanted: usize) -> usize {
        let now = self.look();
        let fitted = match (self.last, now) {
            (Some(before), Some(now)) => fit_threads(wanted, self.cores(), before, now),
            _ => wanted,
        };
        if now.is_some() {
            self.last = now;
        }
        fitted
    }

    /// The cores this process may run on.
    fn cores(&self) -> usize {
        match &self.cpus {
            Some(cpus) => cpus.len(),
            None => std::thread::available_parallelism().map_or(1, usize::from),
        }
    }

    fn look(&self) -> Option<Ticks> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        let (busy, total) = host_ticks(&stat, self.cpus.as_deref())?;
        Some(Ticks {
            busy,
            total,
            own: own_ticks(&own)?,
        })
    }
}

/// `wanted` less the cores others used between `before` and `now` on `cores` cores, rounded,
/// at least 1 (`wanted` when the interval is too short to tell).
pub(crate) fn fit_threads(wanted: usize, cores: usize, before: Ticks, now: Ticks) -> usize {
    let total = now.total.saturating_sub(before.total);
    if total < MIN_TICKS || cores == 0 {
        return wanted;
    }
    let busy = now.busy.saturating_sub(before.busy);
    let own = now.own.saturating_sub(before.own);
    let others = busy.saturating_sub(own) as f64 / total as f64 * cores as f64;
    let free = (cores as f64 - others).round().max(1.0) as usize;
    wanted.min(free).max(1)
}

/// The CPUs of `Cpus_allowed_list` in `/proc/self/status` (`0-3,8,10-11`).
pub(crate) fn allowed_cpus(status: &str) -> Option<Vec<usize>> {
    let list = status
        .lines()
        .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))?
        .trim();
    let mut cpus = Vec::new();
    for part in list.split(',').filter(|part| !part.is_empty()) {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        let (first, last) = (first.parse().ok()?, last.parse::<usize>().ok()?);
        cpus.extend(first..=last);
    }
    (!cpus.is_empty()).then_some(cpus)
}

/// Busy and total ticks of `/proc/stat`'s `cpuN` lines for `cpus` (all of them when `None`).
/// Busy: user, nice, system, irq, softirq and steal (time the hypervisor gave to others);
/// idle and iowait are free.
pub(crate) fn host_ticks(stat: &str, cpus: Option<&[usize]>) -> Option<(u64, u64)> {
    let (mut busy, mut total, mut seen) = (0u64, 0u64, false);
    for line in stat.lines() {
        let mut fields = line.split_ascii_whitespace();
        let Some(cpu) = fields.next().and_then(|name| name.strip_prefix("cpu")) else {
            continue;
        };
        let Ok(cpu) = cpu.parse::<usize>() else {
            continue; // the "cpu" line: all CPUs together
        };
        if cpus.is_some_and(|cpus| !cpus.contains(&cpu)) {
            continue;
        }
        let values: Vec<u64> = fields.take(8).map_while(|v| v.parse().ok()).collect();
        let [user, nice, system, idle, iowait, irq, softirq, steal] = values[..] else {
            return None;
        };
        busy += user + nice + system + irq + softirq + steal;
        total += user + nice + system + idle + iowait + irq + softirq + steal;
        seen = true;
    }
    seen.then_some((busy, total))
}

/// This process's user and system ticks from `/proc/self/stat` (fields 14 and 15; the command
/// name, which may hold spaces and parentheses, ends at the last `)`).
pub(crate) fn own_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_ascii_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

#[cfg(test)]
#[path = "host_load_tests.rs"]
mod tests;
