//! Reading Linux's CPU counters, and fitting a run's threads to what other processes leave.

use super::{allowed_cpus, fit_threads, host_ticks, own_ticks, HostLoad, Ticks};

const STAT: &str = "\
cpu  300 0 40 170 2 0 3 5 0 0
cpu0 150 0 20 90 1 0 1 3 0 0
cpu1 150 0 20 80 1 0 2 2 0 0
intr 12345
ctxt 678
";

#[test]
fn allowed_cpus_reads_ranges_and_single_cpus() {
    let status = "Name:\theimdex\nCpus_allowed:\tf0d\nCpus_allowed_list:\t0-2,8,10-11\n";
    assert_eq!(allowed_cpus(status), Some(vec![0, 1, 2, 8, 10, 11]));
    assert_eq!(allowed_cpus("Cpus_allowed_list:\t3\n"), Some(vec![3]));
}

#[test]
fn allowed_cpus_is_none_without_a_readable_list() {
    assert_eq!(allowed_cpus("Name:\theimdex\n"), None);
    assert_eq!(allowed_cpus("Cpus_allowed_list:\t0-x\n"), None);
    assert_eq!(allowed_cpus("Cpus_allowed_list:\t\n"), None);
}

#[test]
fn host_ticks_sum_the_allowed_cpus_lines_and_count_steal_as_busy() {
    // cpu0: busy 150 + 20 + 0 + 1 + 3, total that + 90 idle + 1 iowait.
    assert_eq!(host_ticks(STAT, Some(&[0])), Some((174, 265)));
    assert_eq!(host_ticks(STAT, None), Some((174 + 174, 265 + 255)));
    assert_eq!(
        host_ticks(STAT, Some(&[5])),
        None,
        "no line of an allowed CPU"
    );
}

#[test]
fn host_ticks_refuse_a_short_cpu_line() {
    assert_eq!(host_ticks("cpu0 1 2 3\n", None), None);
}

#[test]
fn own_ticks_are_user_plus_system_after_a_name_with_spaces_and_parentheses() {
    let stat = "4242 (my (odd) name) R 1 4242 4242 0 -1 4194304 100 0 0 0 731 42 0 0 20 0 3 0";
    assert_eq!(own_ticks(stat), Some(773));
    assert_eq!(own_ticks("4242 (cut) R 1 2"), None);
}

fn ticks(busy: u64, total: u64, own: u64) -> Ticks {
    Ticks { busy, total, own }
}

#[test]
fn a_core_kept_busy_by_another_process_is_left_to_it() {
    // 2 cores, 100 ticks each: others used 100 (one core), this process 95.
    let (before, now) = (ticks(0, 0, 0), ticks(195, 200, 95));
    assert_eq!(fit_threads(2, 2, before, now), 1);
    assert_eq!(fit_threads(8, 8, ticks(0, 0, 0), ticks(300, 800, 0)), 5);
}

#[test]
fn this_process_own_work_is_not_counted_as_others() {
    // Both cores busy, all of it this process's own.
    assert_eq!(fit_threads(2, 2, ticks(0, 0, 0), ticks(200, 200, 200)), 2);
}

#[test]
fn a_run_keeps_at_least_one_thread_and_never_more_than_it_asked() {
    assert_eq!(fit_threads(2, 2, ticks(0, 0, 0), ticks(200, 200, 0)), 1);
    assert_eq!(fit_threads(1, 4, ticks(0, 0, 0), ticks(0, 400, 0)), 1);
}

#[test]
fn an_interval_too_short_to_tell_changes_nothing() {
    assert_eq!(fit_threads(2, 2, ticks(100, 100, 0), ticks(109, 109, 0)), 2);
}

#[test]
fn counters_that_go_backwards_count_as_no_load() {
    assert_eq!(
        fit_threads(2, 2, ticks(500, 100, 50), ticks(100, 300, 10)),
        2
    );
}

/// Busy processes, one per core this test may use, killed when dropped.
struct Spinners(Vec<std::process::Child>);

impl Drop for Spinners {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_run_beside_processes_that_keep_every_core_busy_gets_one_thread() {
    let mut load = HostLoad::start();
    let cores = load.cores();
    let spinners = Spinners(
        (0..cores)
            .map(|_| {
                std::process::Command::new("sh")
                    .args(["-c", "while :; do :; done"])
                    .spawn()
                    .expect("sh runs")
            })
            .collect(),
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        load.fit(cores.max(2)),
        1,
        "every core was kept busy by others"
    );
    drop(spinners);
}
