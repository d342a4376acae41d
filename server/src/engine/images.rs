//! Images: presence, a pull attempt for missing ones, and the busybox image Bulkhead builds
//! locally for its probes (the engine may have no registry).

use bollard::query_parameters::{BuildImageOptions, CreateImageOptions};
use futures_util::StreamExt;
use std::time::Duration;

use super::DockerEngine;
use super::error::{EngineError, is_not_found};

/// The probe image verify runs (built on first use).
pub const PROBE_IMAGE: &str = "bulkhead/probe:1";

/// Where Debian's `busybox-static` installs the binary the probe image is made of.
const BUSYBOX: &str = "/bin/busybox";

/// The applets the image links to busybox.
const APPLETS: &[&str] = &[
    "sh", "nc", "ping", "wget", "httpd", "sleep", "true", "cat", "ls",
];

/// How long a pull of a missing image may take before it counts as unpullable.
const PULL_LIMIT: Duration = Duration::from_secs(20);

impl DockerEngine {
    /// True when the engine has `image`.
    pub async fn has_image(&self, image: &str) -> Result<bool, EngineError> {
        match self.docker.inspect_image(image).await {
            Ok(_) => Ok(true),
            Err(e) if is_not_found(&e) => Ok(false),
            Err(e) => Err(EngineError::docker(format!("inspecting image {image}"), e)),
        }
    }

    /// Makes sure `image` is there, pulling it when it is not; an image that cannot be
    /// pulled is an error naming it.
    pub async fn ensure_image(&self, image: &str) -> Result<(), EngineError> {
        if self.has_image(image).await? {
            return Ok(());
        }
        self.changing();
        let pull = async {
            let mut stream = self.docker.create_image(
                Some(CreateImageOptions {
                    from_image: Some(image.to_owned()),
                    ..Default::default()
                }),
                None,
                None,
            );
            while let Some(item) = stream.next().await {
                item.map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        };
        let result = tokio::time::timeout(PULL_LIMIT, pull)
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} s", PULL_LIMIT.as_secs())));
        match result {
            Ok(()) if self.has_image(image).await? => Ok(()),
            Ok(()) => Err(EngineError::ImageMissing {
                image: image.into(),
                reason: "the pull ended without it".into(),
            }),
            Err(reason) => Err(EngineError::ImageMissing {
                image: image.into(),
                reason,
            }),
        }
    }

    /// The probe image, built from this host's busybox when the engine lacks it.
    pub async fn ensure_probe_image(&self) -> Result<(), EngineError> {
        if !self.has_image(PROBE_IMAGE).await? {
            busybox_image(self, PROBE_IMAGE).await?;
        }
        Ok(())
    }
}

fn context() -> Result<Vec<u8>, EngineError> {
    let busybox = std::fs::read(BUSYBOX).map_err(|e| {
        EngineError::local(
            format!("reading {BUSYBOX} for the probe image (install Debian's busybox-static)"),
            e,
        )
    })?;
    let dockerfile = b"FROM scratch\nCOPY rootfs/ /\nCMD [\"/bin/sleep\", \"2147483647\"]\n";
    let mut tar = tar::Builder::new(Vec::new());
    let io = |e: std::io::Error| EngineError::local("writing the build context", e);
    let mut add = |path: &str, mode: u32, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(mode);
        h.set_cksum();
        tar.append_data(&mut h, path, data).map_err(io)
    };
    add("Dockerfile", 0o644, dockerfile)?;
    add("rootfs/bin/busybox", 0o755, &busybox)?;
    for dir in ["rootfs/tmp", "rootfs/www"] {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_size(0);
        h.set_mode(0o1777);
        h.set_cksum();
        tar.append_data(&mut h, dir, std::io::empty()).map_err(io)?;
    }
    for applet in APPLETS {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        h.set_mode(0o777);
        tar.append_link(&mut h, format!("rootfs/bin/{applet}"), "busybox")
            .map_err(io)?;
    }
    tar.into_inner().map_err(io)
}

/// Builds an image tagged `tag`: `FROM scratch` plus this host's static busybox (`sh`,
/// `nc`, `ping`, `wget`, `httpd`, `sleep`), through the engine's build API.
pub async fn busybox_image(engine: &DockerEngine, tag: &str) -> Result<(), EngineError> {
    let tar = context()?;
    engine.changing();
    let options = BuildImageOptions {
        dockerfile: "Dockerfile".into(),
        t: Some(tag.to_owned()),
        rm: true,
        forcerm: true,
        ..Default::default()
    };
    let mut stream = engine
        .docker
        .build_image(options, None, Some(bollard::body_full(tar.into())));
    while let Some(item) = stream.next().await {
        let info = item.map_err(|e| EngineError::docker(format!("building image {tag}"), e))?;
        if let Some(err) = info.error_detail.and_then(|d| d.message) {
            return Err(EngineError::docker(format!("building image {tag}"), err));
        }
    }
    if engine.has_image(tag).await? {
        Ok(())
    } else {
        Err(EngineError::docker(
            format!("building image {tag}"),
            "the build ended without the image",
        ))
    }
}
