//! Files Bulkhead writes that someone relies on (an exported script, a quarantine record):
//! written whole or not at all, through a temporary file in the same directory that is then
//! renamed over the target.

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically; with `executable`, the file is mode 0755.
pub fn write_atomically(path: &Path, contents: &[u8], executable: bool) -> std::io::Result<()> {
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
        let mode = if executable { 0o755 } else { 0o644 };
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_atomically;

    /// The file appears whole, replaces an old one, and a script is executable.
    #[test]
    fn whole_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.sh");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"#!/bin/sh\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "#!/bin/sh\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o755);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
        let missing = dir.path().join("no-such-dir").join("x");
        assert!(write_atomically(&missing, b"x", false).is_err());
    }
}
