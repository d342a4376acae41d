//! `accept:` lists of services and zones: known codes, each once, reasons of bounded plain
//! text. A finding of severity error accepted without a reason stays an error (see
//! [`crate::model::Accepted`]), so an older design still opens and says what to add.

use crate::diagnostic::Code;
use crate::model::{Accepted, FindingCode, MAX_REASON_CHARS};
use crate::raw::RawAccept;
use crate::validate::ctx::{Ctx, did_you_mean, has_control, quote, suggest};

/// The entries of `raw` (at `path`, e.g. `services.db.accept`) that check; each problem is
/// reported at its own index.
pub(super) fn check(ctx: &mut Ctx, path: &str, raw: &[RawAccept]) -> Vec<Accepted> {
    let mut out: Vec<Accepted> = Vec::new();
    for (i, entry) in raw.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Ok(code) = entry.code.parse::<FindingCode>() else {
            let hint = did_you_mean(suggest(
                &entry.code,
                FindingCode::ALL.iter().map(|c| c.as_str()),
            ));
            ctx.error(
                Code::UnknownFindingCode,
                at,
                format!(
                    "{} is not a finding code; accept lists codes such as host-network.{hint}",
                    quote(&entry.code)
                ),
            );
            continue;
        };
        let reason = entry
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        match reason {
            Some(r) if r.chars().count() > MAX_REASON_CHARS || has_control(r) => {
                ctx.error(
                    Code::InvalidAccept,
                    format!("{at}.reason"),
                    format!(
                        "the reason for accepting {code} must be at most {MAX_REASON_CHARS} characters, without control characters; shorten it"
                    ),
                );
                continue;
            }
            _ => {}
        }
        if out.iter().any(|a| a.code == code) {
            ctx.error(
                Code::InvalidAccept,
                at,
                format!("{code} is accepted twice; keep one entry"),
            );
            continue;
        }
        out.push(Accepted {
            code,
            reason: reason.map(str::to_owned),
        });
    }
    out
}
