//! What a design can be exported as, listed once: the name on the command line and in the
//! download URL, the file it downloads as, its content type and its label in the menu.

use std::fmt;
use std::str::FromStr;

use super::Format;

/// A download of a design: the design file itself, or one of its compiled artifacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Export {
    /// The design file, as canonical YAML.
    Design,
    /// A compiled artifact.
    Artifact(Format),
}

/// A format name that is not one of [`Export::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "there is no export format `{0}`; use one of: compose, iptables-script, iptables, nftables, design"
)]
pub struct UnknownFormat(pub String);

impl Export {
    /// Every export, in the order the menu offers them.
    pub const ALL: [Export; 5] = [
        Export::Artifact(Format::Compose),
        Export::Artifact(Format::IptablesScript),
        Export::Artifact(Format::Iptables),
        Export::Artifact(Format::Nftables),
        Export::Design,
    ];

    /// The name on the command line and in URLs (`compose`, `iptables-script`, …, `design`).
    pub fn as_str(self) -> &'static str {
        match self {
            Export::Design => "design",
            Export::Artifact(f) => f.as_str(),
        }
    }

    /// The file name a download of design `design` gets, e.g. `shop.compose.yml`.
    pub fn file_name(self, design: &str) -> String {
        let suffix = match self {
            Export::Design => "bulkhead.yml",
            Export::Artifact(Format::Compose) => "compose.yml",
            Export::Artifact(Format::Iptables) => "iptables.rules",
            Export::Artifact(Format::IptablesScript) => "firewall.sh",
            Export::Artifact(Format::Nftables) => "nft",
        };
        format!("{design}.{suffix}")
    }

    /// The download's media type (UTF-8 text in every case).
    pub fn content_type(self) -> &'static str {
        match self {
            Export::Design | Export::Artifact(Format::Compose) => "application/yaml",
            Export::Artifact(Format::IptablesScript) => "text/x-shellscript",
            Export::Artifact(Format::Iptables | Format::Nftables) => "text/plain",
        }
    }

    /// The label in the export menu.
    pub fn label(self) -> &'static str {
        match self {
            Export::Design => "Design file (YAML)",
            Export::Artifact(Format::Compose) => "Compose file",
            Export::Artifact(Format::IptablesScript) => "Firewall script (iptables)",
            Export::Artifact(Format::Iptables) => "iptables-restore rules",
            Export::Artifact(Format::Nftables) => "nftables table",
        }
    }

    /// True when the file is a program to run (written executable by `bulkhead export -o`).
    pub fn is_executable(self) -> bool {
        self == Export::Artifact(Format::IptablesScript)
    }
}

impl FromStr for Export {
    type Err = UnknownFormat;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Export::ALL
            .into_iter()
            .find(|e| e.as_str() == text)
            .ok_or_else(|| UnknownFormat(text.to_owned()))
    }
}

impl fmt::Display for Export {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every export reads back from its name, and the error lists them all.
    #[test]
    fn names_round_trip() {
        for e in Export::ALL {
            assert_eq!(e.as_str().parse::<Export>(), Ok(e));
        }
        for f in Format::ALL {
            assert!(Export::ALL.contains(&Export::Artifact(f)), "{f:?}");
        }
        let err = "pdf".parse::<Export>().unwrap_err().to_string();
        for e in Export::ALL {
            assert!(err.contains(e.as_str()), "{err}");
        }
        assert_eq!(
            Export::Artifact(Format::IptablesScript).file_name("shop"),
            "shop.firewall.sh"
        );
    }
}
