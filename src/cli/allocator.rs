//! The allocators. Rust's allocations go through mimalloc (the
//! `#[global_allocator]` in `main.rs`): with glibc's allocator, `malloc`
//! and `free` were a quarter of an offline import's CPU, and mimalloc made
//! the import 1.5× faster, a 27k check 12% faster, bulk embedding 1.27×
//! faster and gRPC checks 1.17× more per second, for about 50 MB more peak
//! memory at 1M (BENCHMARKS.md). The C and C++ libraries (zstd, usearch)
//! still allocate through glibc, which is tuned below.
//!
//! glibc's allocator, tuned for a long-running server before `serve` starts:
//! by default it keeps memory freed after a burst of large responses
//! (hundreds of megabytes after 64 unread 1 MB listings: freed blocks
//! stay in up to 8 arenas per core, and its mmap threshold rises to the
//! largest block freed). `serve` re-executes itself once with
//! `GLIBC_TUNABLES` set to a 128 KiB mmap threshold (large buffers go back
//! to the system when freed) and two arenas, unless the variable is already
//! set (by the operator, or by this re-execution). Same process id, same
//! arguments; elsewhere than Linux with glibc, nothing happens.
//!
//! With an embedding model the threshold is 32 MiB instead: each layer of
//! a forward pass allocates and frees buffers of several megabytes, and
//! mapping them fresh each time (page faults, zeroing, unmapping) cost 60%
//! more CPU per claim in `bench-embed`. Memory freed after a burst of
//! large responses then goes back more slowly (SECURITY.md).

/// What `serve` runs with unless `GLIBC_TUNABLES` is set.
pub const TUNABLES: &str = "glibc.malloc.mmap_threshold=131072:glibc.malloc.arena_max=2";
/// What `serve` with an embedding model runs with.
pub const TUNABLES_WITH_EMBEDDINGS: &str =
    "glibc.malloc.mmap_threshold=33554432:glibc.malloc.arena_max=2";

/// Re-executes the process with [`TUNABLES`] (or
/// [`TUNABLES_WITH_EMBEDDINGS`] when `embeddings`); returns only if it did
/// not (already tuned, or the exec failed, which is logged).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune(embeddings: bool) {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return;
    }
    let mut args = std::env::args_os();
    let program = args.next().unwrap_or_else(|| "factdesk".into());
    // /proc/self/exe is this binary even if its file was replaced since.
    let error = std::process::Command::new("/proc/self/exe")
        .arg0(program)
        .args(args)
        .env(
            "GLIBC_TUNABLES",
            if embeddings {
                TUNABLES_WITH_EMBEDDINGS
            } else {
                TUNABLES
            },
        )
        .exec();
    tracing::warn!(%error, "cannot re-execute with GLIBC_TUNABLES; glibc's defaults stay");
}

/// Nothing to tune off glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune(_embeddings: bool) {}
