//! Giving freed memory back to the system between a run's phases (SPEC §19: a year in
//! under 1 GB). glibc keeps what a thread frees in that thread's arena; when the probe
//! checks free a year of samples while the audit stream is still allocating on other
//! threads, those pages stay resident and the rendering that follows allocates on top
//! of them. A leaf: nothing here knows what the memory held.

/// Returns the allocator's whole free pages, in every arena, to the system.
pub fn release_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it is thread-safe
    // and takes no pointer from us.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes the allocator map every block of 1 MiB or more on its own and unmap it when
/// freed. glibc's default threshold rises with each large block freed, after which
/// large vectors live in the arenas, where a year of probe samples, grown by doubling
/// beside the audit stream's small allocations, leaves holes the system never gets
/// back. Called once at start-up.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before other threads.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
