//! Files Bulkhead writes that someone relies on (an exported script, a quarantine record):
//! written whole or not at all, through a temporary file in the same directory that is then
//! renamed over the target. The result has the mode a plain write would give it: an
//! existing file keeps its own, a new one gets the usual mode less the umask; a symlink is
//! written through, not replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The process's umask, read without changing it (Linux reports it in /proc).
#[cfg(unix)]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Writes `contents` to `path` atomically; with `executable`, the file can be run by whoever
/// can read it.
pub fn write_atomically(path: &Path, contents: &[u8], executable: bool) -> std::io::Result<()> {
    // Through a symlink to the file it names, as a plain write would go.
    let path: PathBuf = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(&path) {
            Ok(existing) => existing.permissions().mode() & 0o7777,
            Err(_) => 0o666 & !umask(),
        };
        // Executable: x wherever r is.
        let mode = if executable {
            mode | ((mode & 0o444) >> 2)
        } else {
            mode
        };
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    file.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_atomically;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// The file appears whole and replaces an old one, keeping its mode; a script is
    /// executable; a symlink is written through; nothing temporary is left behind.
    #[test]
    fn whole_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.sh");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"#!/bin/sh\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "#!/bin/sh\n");
        assert_eq!(mode(&path), 0o750);
        let link = dir.path().join("link.sh");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        write_atomically(&link, b"new\n", false).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let fresh = dir.path().join("fresh.json");
        write_atomically(&fresh, b"{}", false).unwrap();
        assert_eq!(mode(&fresh) & 0o600, 0o600);
        assert_eq!(mode(&fresh) & 0o111, 0);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 3, "no temporary file is left behind");
        let missing = dir.path().join("no-such-dir").join("x");
        assert!(write_atomically(&missing, b"x", false).is_err());
    }
}
