//! A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` in a temporary folder, trust
//! authentication, a free port, removed when dropped and, through a watchdog shell, when the test
//! process exits however it exits. `initdb` refuses to run as root; as root the cluster runs as
//! the `postgres` system user.
//!
//! Shared by the adapters' and the server's test support (the server includes this file by path),
//! so it uses only the standard library and `uuid`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Why a PostgreSQL test cannot run, and what makes it run: a test without a server fails with
/// this, it never passes untested.
pub const NO_POSTGRES: &str = "no PostgreSQL for this test: set DATABASE_URL (CI: \
     postgres://postgres@127.0.0.1:5432/test) or install PostgreSQL's initdb and pg_ctl \
     (apt-get install postgresql) for the test support's throwaway cluster";

/// A throwaway PostgreSQL cluster in a temporary folder.
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    owner: Option<&'static str>,
}

impl Cluster {
    /// Creates and starts a cluster on a free port. Panics with the tool's output on failure, and
    /// with [`NO_POSTGRES`] when `initdb` is not installed.
    pub fn start() -> Self {
        assert!(initdb_available(), "{NO_POSTGRES}");
        let dir =
            std::env::temp_dir().join(format!("heimdex-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("create the cluster folder");
        let owner = running_as_root().then_some("postgres");
        if let Some(user) = owner {
            run(Command::new("chown").arg(format!("{user}:")).arg(&dir));
        }
        let cluster = Self {
            dir,
            port: free_port(),
            owner,
        };
        cluster.watch(std::process::id());
        run(cluster
            .tool("initdb")
            .args(["-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
            .arg("--locale=C.UTF-8")
            .arg("-D")
            .arg(cluster.data()));
        cluster.start_again();
        cluster
    }

    /// The cluster's URL for database `db` (user `postgres`, no password).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`): clients see their connections drop.
    pub fn stop(&self) {
        run(self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"]));
    }

    /// Starts the (stopped) server again on the same port. `fsync` is off for speed (an immediate
    /// stop kills the server, not the machine, so the OS still holds every write), but commits stay
    /// synchronous: a test that crashes the server must find every committed row afterwards.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c full_page_writes=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        run(self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-o", &options, "-w", "start"]));
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// `tool` run as the cluster's owner.
    fn tool(&self, tool: &str) -> Command {
        let tool = pg_bin(tool);
        match self.owner {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(tool);
                cmd
            }
            None => Command::new(tool),
        }
    }

    /// Stops the cluster and removes its folder once process `pid` has exited.
    fn watch(&self, pid: u32) {
        let stop = match self.owner {
            Some(user) => format!("runuser -u {user} -- {}", pg_bin("pg_ctl").display()),
            None => pg_bin("pg_ctl").display().to_string(),
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             {stop} -D '{data}' -m immediate stop; rm -rf '{dir}'",
            data = self.data().display(),
            dir = self.dir.display(),
        );
        let mut watchdog = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the cluster watchdog");
        // Reaped if it ends while the tests run; at exit it outlives this process, as it must.
        std::thread::spawn(move || watchdog.wait());
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PostgreSQL server program: on `PATH`, else in Debian's newest `/usr/lib/postgresql/N/bin`.
fn pg_bin(tool: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin").join(tool))
            .filter(|p| p.is_file())
            .collect();
        versions.sort();
        versions.pop().unwrap_or_else(|| PathBuf::from(tool))
    })
}

/// True when `initdb` can be run (on `PATH` or in Debian's versioned folders).
pub fn initdb_available() -> bool {
    Command::new(pg_bin("initdb"))
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
