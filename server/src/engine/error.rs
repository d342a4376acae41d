//! What can go wrong talking to an engine, as users need to hear it.

/// An engine operation failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Nothing answered at the engine address.
    #[error(
        "cannot reach the Docker engine at {host}: {reason}; check that Docker runs and that DOCKER_HOST (and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH for TLS) point at it"
    )]
    Unreachable { host: String, reason: String },
    /// The engine refused or failed a call.
    #[error("{step}: {message}")]
    Docker { step: String, message: String },
    /// An image is neither present nor pullable.
    #[error(
        "image {image} is not on the engine and cannot be pulled ({reason}); build or load it first (`docker build -t {image} …` or `docker load`)"
    )]
    ImageMissing { image: String, reason: String },
    /// The design cannot be applied as it is.
    #[error("{0}")]
    Design(String),
    /// A local file or command failed.
    #[error("{step}: {message}")]
    Local { step: String, message: String },
}

impl EngineError {
    pub(crate) fn docker(step: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Self::Docker {
            step: step.into(),
            message: e.to_string(),
        }
    }

    pub(crate) fn local(step: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Self::Local {
            step: step.into(),
            message: e.to_string(),
        }
    }
}

/// True when a bollard error is the engine's 404.
pub(crate) fn is_not_found(e: &bollard::errors::Error) -> bool {
    matches!(
        e,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}
