//! This host's Docker socket registered as the engine `local`, with its audit entry: at the
//! server's very first start, and by the command line when it finds it missing.

use crate::db::Db;
use crate::engine_endpoint::LOCAL_SOCKET;
use crate::store::Actor;
use crate::store::audit::{self, NewEntry};
use crate::store::engines::{self, EngineFields, EngineRecord};
use crate::store::users;

/// Registers `local` at the default socket, as done by `actor` and described by `how` in the
/// audit log; `None` when an engine of that name exists already.
pub async fn register(
    db: &Db,
    actor: &Actor,
    note: &str,
    how: &str,
) -> anyhow::Result<Option<EngineRecord>> {
    let fields = EngineFields {
        name: "local".into(),
        endpoint: LOCAL_SOCKET.into(),
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        note: note.into(),
        approvals_required: 1,
    };
    let mut tx = db.write.begin().await?;
    let Some(id) = engines::insert(&mut tx, &fields, None).await? else {
        return Ok(None);
    };
    audit::append(
        &mut tx,
        &db.audit,
        NewEntry::new(
            actor,
            "engine-register",
            format!("registered engine local at {LOCAL_SOCKET} {how}"),
        )
        .engine(id, "local"),
    )
    .await?;
    tx.commit().await?;
    let mut conn = db.read.acquire().await?;
    engines::get(&mut conn, id).await
}

/// On the very first start (no user yet, no engine registered), registers the local Docker
/// socket as `local` when it answers, as done by Bulkhead itself.
pub async fn at_first_start(service: &crate::backend::Service) -> anyhow::Result<Option<i64>> {
    let mut conn = service.db.write.acquire().await?;
    let first_start =
        !users::any_exists(&mut conn).await? && engines::list(&service.db.read).await?.is_empty();
    drop(conn);
    let socket = LOCAL_SOCKET;
    if !service.config.register_local_engine
        || !first_start
        || !std::path::Path::new(&socket["unix://".len()..]).exists()
    {
        return Ok(None);
    }
    let engine = match crate::engine::DockerEngine::connect_to(socket).await {
        Ok(engine) => engine,
        Err(e) => {
            tracing::info!("the local Docker socket did not answer ({e}); no engine registered");
            return Ok(None);
        }
    };
    let system = Actor {
        id: None,
        name: Some("bulkhead".into()),
        address: None,
    };
    let registered = register(
        &service.db,
        &system,
        "This host's Docker engine, found at first start.",
        &format!(
            "(Docker {}), found at first start",
            engine.info().engine_version
        ),
    )
    .await?;
    Ok(registered.map(|e| e.id))
}

/// Moves the quarantine files earlier versions wrote under the data directory into the
/// database, for the local engine they were made on (the command line only ever used it);
/// left in place, with a warning, while no local engine is registered.
pub async fn adopt_quarantine_files(service: &crate::backend::Service) -> anyhow::Result<()> {
    let dir = &service.config.data_dir;
    if !dir.join("quarantine").is_dir() {
        return Ok(());
    }
    let local = engines::list(&service.db.read)
        .await?
        .into_iter()
        .find(|e| e.endpoint == LOCAL_SOCKET);
    let Some(local) = local else {
        tracing::warn!(
            "{} holds quarantine records of an earlier version, and no engine is registered at {LOCAL_SOCKET}: register it to take them over",
            dir.join("quarantine").display()
        );
        return Ok(());
    };
    for said in crate::quarantine::adopt_files(&service.db, dir, &local).await? {
        tracing::info!("quarantine: {said}");
    }
    Ok(())
}
