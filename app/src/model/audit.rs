//! The audit log as the pages see it: its entries, the stable action names grouped as the
//! filters offer them, the filters a view is made of (each one a query-string parameter, so
//! a view can be linked and exported), an entry's detail and a design's or engine's
//! timeline.

use serde::{Deserialize, Serialize};

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    pub address: Option<String>,
    pub action: String,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub design_id: Option<i64>,
    /// The engine the entry is about, when it is about one.
    pub target: Option<String>,
    pub summary: String,
    /// Something failed (an apply, a verify with mismatches, a sign-in …).
    pub failed: bool,
    /// A rule was bypassed (an approval gate, a lock, errors accepted on save).
    pub overridden: bool,
}

/// The groups the action filter offers, each holding stable action names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionGroup {
    SignIn,
    Users,
    Designs,
    Reviews,
    Engine,
    /// The log itself (archives).
    Audit,
}

impl ActionGroup {
    pub const ALL: [ActionGroup; 6] = [
        ActionGroup::SignIn,
        ActionGroup::Users,
        ActionGroup::Designs,
        ActionGroup::Reviews,
        ActionGroup::Engine,
        ActionGroup::Audit,
    ];

    /// Its name in a query string.
    pub fn key(self) -> &'static str {
        match self {
            ActionGroup::SignIn => "sign-in",
            ActionGroup::Users => "users",
            ActionGroup::Designs => "designs",
            ActionGroup::Reviews => "reviews",
            ActionGroup::Engine => "engine",
            ActionGroup::Audit => "audit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionGroup::SignIn => "sign-in",
            ActionGroup::Users => "users, tokens and webhooks",
            ActionGroup::Designs => "designs",
            ActionGroup::Reviews => "reviews",
            ActionGroup::Engine => "engine",
            ActionGroup::Audit => "the audit log itself",
        }
    }

    /// Every action name of the group; the server refuses to record any other.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            ActionGroup::SignIn => &[
                "setup",
                "sign-in",
                "sign-in-failed",
                "sign-in-throttled",
                "sign-out",
            ],
            ActionGroup::Users => &[
                "user-create",
                "user-role",
                "user-disable",
                "user-enable",
                "user-password",
                "user-unlock",
                "token-create",
                "token-revoke",
                "webhook-add",
                "webhook-remove",
            ],
            ActionGroup::Designs => &[
                "design-create",
                "design-save",
                "design-rename",
                "design-revert",
                "design-delete",
                "design-restore",
            ],
            ActionGroup::Reviews => &[
                "request-open",
                "request-push",
                "request-dismiss",
                "request-comment",
                "request-approve",
                "request-changes",
                "request-reject",
                "request-withdraw",
                "request-override",
                "request-applied",
                "request-apply-failed",
            ],
            ActionGroup::Engine => &[
                "engine-register",
                "engine-update",
                "engine-remove",
                "engine-lock-break",
                "engine-plan",
                "engine-apply-start",
                "engine-refused",
                "engine-apply",
                "engine-firewall",
                "engine-destroy",
                "engine-verify",
                "engine-drift",
                "engine-quarantine",
                "engine-release",
            ],
            ActionGroup::Audit => &["audit-archive", "audit-forward-add", "audit-forward-remove"],
        }
    }

    /// Whether readers below admin see this group (the others hold sign-ins, addresses and
    /// account administration).
    pub fn for_everyone(self) -> bool {
        matches!(
            self,
            ActionGroup::Designs | ActionGroup::Reviews | ActionGroup::Engine
        )
    }

    pub fn parse(key: &str) -> Option<ActionGroup> {
        Self::ALL.into_iter().find(|g| g.key() == key)
    }

    /// The group `action` belongs to; `None` for a name that is not a stable action.
    pub fn of(action: &str) -> Option<ActionGroup> {
        Self::ALL
            .into_iter()
            .find(|g| g.actions().contains(&action))
    }
}

/// How an entry ended, as the result filter offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Neither failed nor overridden.
    Ok,
    Failed,
    Override,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Failed, Outcome::Override];

    pub fn key(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Override => "override",
        }
    }

    pub fn parse(key: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.key() == key)
    }
}

/// The longest free-text search accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A view of the log: every field a query-string parameter of the same name (`result` for
/// the outcome, `q` for the text). Empty fields mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// From this day (`YYYY-MM-DD`) or time (`YYYY-MM-DDTHH:MM[:SS]`), UTC, inclusive.
    pub from: Option<String>,
    /// Up to this day (the whole day) or time, UTC, inclusive.
    pub to: Option<String>,
    pub user: Option<String>,
    pub group: Option<ActionGroup>,
    pub action: Option<String>,
    pub design: Option<i64>,
    /// An engine, by name.
    pub engine: Option<String>,
    pub outcome: Option<Outcome>,
    /// Words the summary holds (each word also matches as the start of a longer one).
    pub text: Option<String>,
    /// Only entries older than this id (for paging).
    pub before: Option<i64>,
}

impl AuditFilter {
    /// Reads a filter from query-string pairs (already decoded); empty values are "any",
    /// unknown parameters are ignored, a value that cannot be meant is refused with what to
    /// write instead.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<AuditFilter, String> {
        let mut f = AuditFilter::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let number = |what: &str| {
                value
                    .parse::<i64>()
                    .map_err(|_| format!("{what} must be a number, not {value:?}"))
            };
            match key {
                "from" => f.from = Some(value.to_owned()),
                "to" => f.to = Some(value.to_owned()),
                "user" => f.user = Some(value.to_owned()),
                "group" => {
                    f.group = Some(ActionGroup::parse(value).ok_or_else(|| {
                        format!(
                            "there is no action group {value:?}; choose one of {}",
                            ActionGroup::ALL.map(ActionGroup::key).join(", ")
                        )
                    })?)
                }
                "action" => {
                    if ActionGroup::of(value).is_none() {
                        return Err(format!(
                            "there is no audit action {value:?}; pick one from the list"
                        ));
                    }
                    f.action = Some(value.to_owned())
                }
                "design" => f.design = Some(number("design")?),
                "engine" => f.engine = Some(value.to_owned()),
                "result" => {
                    f.outcome = Some(Outcome::parse(value).ok_or_else(|| {
                        format!("result must be ok, failed or override, not {value:?}")
                    })?)
                }
                "q" => {
                    if value.chars().count() > MAX_SEARCH_CHARS {
                        return Err(format!(
                            "the search is longer than {MAX_SEARCH_CHARS} characters; search for fewer words"
                        ));
                    }
                    f.text = Some(value.to_owned())
                }
                "before" => f.before = Some(number("before")?),
                _ => {}
            }
        }
        Ok(f)
    }

    /// The query-string pairs of this filter, paging left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let mut put = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                q.push((k, v));
            }
        };
        put("from", self.from.clone());
        put("to", self.to.clone());
        put("user", self.user.clone());
        put("group", self.group.map(|g| g.key().to_owned()));
        put("action", self.action.clone());
        put("design", self.design.map(|d| d.to_string()));
        put("engine", self.engine.clone());
        put("result", self.outcome.map(|o| o.key().to_owned()));
        put("q", self.text.clone());
        q
    }

    /// This filter as a query string (`a=1&b=2`, encoded), paging left out.
    pub fn query(&self) -> String {
        self.pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", urlencode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One step of a design's or an engine's story ("r12 approved by bob").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineStep {
    pub id: i64,
    pub at: String,
    pub label: String,
    /// `ok`, `failed` or `override`.
    pub tone: String,
}

/// A page of the audit log, with what the filters can choose from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub users: Vec<String>,
    pub designs: Vec<(i64, String)>,
    pub engines: Vec<String>,
    /// Whether the reader sees every entry (admins) or design and engine entries only.
    pub everything: bool,
    pub more: bool,
    /// The story of the design or engine filtered on, oldest first (empty otherwise).
    pub timeline: Vec<TimelineStep>,
}

/// The page size of the audit log.
pub const AUDIT_PAGE: i64 = 100;

/// What the chain says about one entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainStatus {
    /// Its hash matches its content and the hash it links to.
    pub sealed: bool,
    /// It links to the entry before it (the first entry: to the chain's start).
    pub links_back: bool,
    /// The entry after it links to it (`None` for the newest entry).
    pub linked_from_next: Option<bool>,
    /// The newest signed checkpoint at or after it, which vouches that it was not removed.
    pub checkpoint: Option<i64>,
}

/// One entry in full, with its neighbours in the reader's view and its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDetail {
    pub entry: AuditEntry,
    /// The structured details, as indented JSON.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
    pub previous: Option<i64>,
    pub next: Option<i64>,
    pub chain: ChainStatus,
}
