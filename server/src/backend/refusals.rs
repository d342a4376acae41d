//! Sign-ins refused by a lock, aggregated so that nobody signed out can grow the audit log
//! without bound: the first refusal of a name from an address while it is locked is logged
//! at once; the others are counted and logged as one entry with their count once the lock
//! has ended.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::db::Db;
use crate::store::Actor;
use crate::store::audit::{self, NewEntry};

/// The refusals of one name from one address during one lock.
struct Lock {
    until: i64,
    more: u64,
    actor: Actor,
}

/// Locks with refusals not yet logged, by (name, address).
#[derive(Default)]
pub struct Refusals(Mutex<HashMap<(String, String), Lock>>);

impl std::fmt::Debug for Refusals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |l| l.len());
        write!(f, "Refusals({n} locks)")
    }
}

impl Refusals {
    /// Notes a refused sign-in as `name` from `address`, locked until `until`; logs it when it
    /// is the first of that lock.
    pub async fn refused(
        &self,
        db: &Db,
        actor: &Actor,
        name: &str,
        address: &str,
        until: i64,
    ) -> anyhow::Result<()> {
        let first = {
            let mut locks = self.0.lock().unwrap_or_else(|p| p.into_inner());
            match locks.get_mut(&(name.to_owned(), address.to_owned())) {
                Some(lock) => {
                    lock.more += 1;
                    lock.until = lock.until.max(until);
                    false
                }
                None => {
                    locks.insert(
                        (name.to_owned(), address.to_owned()),
                        Lock {
                            until,
                            more: 0,
                            actor: actor.clone(),
                        },
                    );
                    true
                }
            }
        };
        if first {
            let who = actor.name.as_deref().unwrap_or_default();
            audit::append_alone(
                db,
                NewEntry::new(
                    actor,
                    "sign-in-throttled",
                    format!("refused a sign-in as {who}: too many failures; further refusals during this lock are logged as one count when it ends"),
                ),
            )
            .await?;
        }
        Ok(())
    }

    /// Logs the count of every lock that has ended by `now`.
    pub async fn flush(&self, db: &Db, now: i64) -> anyhow::Result<()> {
        let ended: Vec<Lock> = {
            let mut locks = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let keys: Vec<(String, String)> = locks
                .iter()
                .filter(|(_, l)| l.until <= now)
                .map(|(k, _)| k.clone())
                .collect();
            keys.iter().filter_map(|k| locks.remove(k)).collect()
        };
        for lock in ended.into_iter().filter(|l| l.more > 0) {
            let who = lock.actor.name.as_deref().unwrap_or_default();
            audit::append_alone(
                db,
                NewEntry::new(
                    &lock.actor,
                    "sign-in-throttled",
                    format!(
                        "refused {} more sign-in(s) as {who} during the lock that has now ended",
                        lock.more
                    ),
                ),
            )
            .await?;
        }
        Ok(())
    }
}
