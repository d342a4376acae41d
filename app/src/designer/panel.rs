//! The properties panel: every field of the selected zone, service or flow (or of the design),
//! validated as you type; and the keyboard commands waiting for their target.

use super::accepts::{Accepts, Owner};
use super::edit::{self, opt};
use super::fields::{Check, Choice, Text, join, split, tri_options, tri_read, tri_write};
use super::palette::TRUSTS;
use super::pending::PendingCommand;
use super::state::{Ed, Pending, Selection};
use design::raw::{
    Action, Driver, PolicyMode, RawDesign, RawHardening, RawHost, RawService, RawZone, Scalar,
    Trust, Via,
};
use leptos::prelude::*;

fn zone_mut<'a>(d: &'a mut RawDesign, n: &str) -> Option<&'a mut RawZone> {
    d.zones.0.get_mut(n)
}

fn svc_mut<'a>(d: &'a mut RawDesign, n: &str) -> Option<&'a mut RawService> {
    d.services.0.get_mut(n)
}

fn hard_mut<'a>(d: &'a mut RawDesign, n: &str) -> Option<&'a mut RawHardening> {
    svc_mut(d, n).map(|s| s.hardening.get_or_insert_with(Default::default))
}

fn tidy_hardening(d: &mut RawDesign, n: &str) {
    if let Some(s) = svc_mut(d, n)
        && s.hardening.as_ref() == Some(&RawHardening::default())
    {
        s.hardening = None;
    }
}

/// A `mode:` choice: empty is none written.
fn mode_of(v: &str) -> Option<PolicyMode> {
    match v {
        "enforce" => Some(PolicyMode::Enforce),
        "observe" => Some(PolicyMode::Observe),
        _ => None,
    }
}

fn scalars(list: Option<&Vec<Scalar>>) -> String {
    list.map(|l| l.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

#[component]
pub fn Panel(ed: Ed) -> impl IntoView {
    view! {
        <section class="panel" aria-label="Properties" data-test="panel">
            {move || ed.pending.get().map(|p| view! { <PendingCommand ed p /> })}
            {move || match ed.selection.get() {
                Selection::Design => view! { <DesignProps ed /> }.into_any(),
                Selection::Zone(z) => view! { <ZoneProps ed name=z /> }.into_any(),
                Selection::Service(s, _) => view! { <ServiceProps ed name=s /> }.into_any(),
                Selection::Flow(i) => view! { <FlowProps ed index=i /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DesignProps(ed: Ed) -> impl IntoView {
    fn host(d: &mut RawDesign) -> &mut RawHost {
        d.host.get_or_insert_with(Default::default)
    }
    fn tidy(d: &mut RawDesign) {
        if d.host.as_ref() == Some(&RawHost::default()) {
            d.host = None;
        }
    }
    view! {
        <h2>"Design"</h2>
        <p class="muted small">"Select a zone, service or flow to edit it. Rename the design from the designs list."</p>
        <Text ed label="Description" path="description".into()
            read=|d| d.description.clone().unwrap_or_default()
            write=|d, v| { d.description = opt(&v); true } />
        <Text ed label="Subnet pool for zones without a subnet" path="defaults.subnet_pool".into()
            placeholder="172.30.0.0/16"
            read=|d| d.defaults.subnet_pool.clone().unwrap_or_default()
            write=|d, v| { d.defaults.subnet_pool = opt(&v); true } />
        <Choice ed label="Firewall mode" path="mode".into()
            options=vec![
                ("".into(), "enforce: drop what the design denies".into()),
                ("observe".into(), "observe: log, count and let it through (roll out first)".into()),
            ]
            read=|d| d.mode.map(|m| m.as_str().to_string()).filter(|m| m != "enforce").unwrap_or_default()
            write=|d, v| { d.mode = mode_of(&v); true } />
        <p class="muted small">"In observe mode Docker's separation of zones and internal zones stay enforced; the firewall panel of a deployment lists what would have been blocked."</p>
        <h3>"Host policy"</h3>
        <Text ed label="External interface" path="host.external_interface".into() placeholder="eth0"
            read=|d| d.host.as_ref().and_then(|h| h.external_interface.clone()).unwrap_or_default()
            write=move |d, v| { host(d).external_interface = opt(&v); tidy(d); true } />
        <Text ed label="Allowed inbound ports" path="host.allow_inbound".into() placeholder="tcp/443"
            read=|d| scalars(d.host.as_ref().and_then(|h| h.allow_inbound.as_ref()))
            write=move |d, v| { host(d).allow_inbound = edit::parse_ports(&v); tidy(d); true } />
        <Check ed label="Log denied connections" path="host.log_denied".into()
            read=|d| d.host.as_ref().is_some_and(|h| h.log_denied)
            write=move |d, v| { host(d).log_denied = v; tidy(d); true } />
        <Check ed label="Protect the host: zones reach only the host ports below" path="host.protect_host".into()
            read=|d| d.host.as_ref().is_some_and(|h| h.protect_host)
            write=move |d, v| { host(d).protect_host = v; tidy(d); true } />
        <Text ed label="Host ports the zones may reach" path="host.host_ports".into() placeholder="udp/53"
            read=|d| scalars(d.host.as_ref().and_then(|h| h.host_ports.as_ref()))
            write=move |d, v| { host(d).host_ports = edit::parse_ports(&v); tidy(d); true } />
        <Check ed label="Close published ports to the zones: containers reach them through the host only along flows via the host" path="host.protect_published".into()
            read=|d| d.host.as_ref().is_some_and(|h| h.protect_published)
            write=move |d, v| { host(d).protect_published = v; tidy(d); true } />
    }
}

#[component]
fn ZoneProps(ed: Ed, name: String) -> impl IntoView {
    let n = StoredValue::new(name.clone());
    let p = move |f: &str| format!("zones.{}.{f}", n.get_value());
    let rename_error = RwSignal::new(None::<String>);
    let rename = move |ev: leptos::ev::Event| {
        let new = event_target_value(&ev).trim().to_string();
        let old = n.get_value();
        let mut result = Ok(());
        ed.apply(|d, l| {
            result = edit::rename_zone(d, &old, &new);
            if result.is_ok()
                && let Some(b) = l.zones.remove(&old)
            {
                l.zones.insert(new.clone(), b);
            }
            result.is_ok()
        });
        match result {
            Ok(()) => {
                rename_error.set(None);
                ed.selection.set(Selection::Zone(new));
            }
            Err(e) => rename_error.set(Some(e)),
        }
    };
    let trusts: Vec<(String, String)> = TRUSTS
        .iter()
        .map(|t| (t.as_str().to_string(), t.as_str().to_string()))
        .collect();
    let members = move || {
        ed.doc.with(|d| {
            d.services
                .iter()
                .filter(|(_, s)| s.zones.0.contains_key(&n.get_value()))
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let name_error = super::fields::problem(ed, format!("zones.{name}"));
    view! {
        <h2>"Zone"</h2>
        <label class="field" class:invalid=move || rename_error.get().is_some()>
            "Name"
            <input data-field="zone-name" prop:value=name.clone() on:change=rename disabled=move || ed.readonly.get() />
            {move || rename_error.get().or(name_error.get()).map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </label>
        <Choice ed label="Trust level" path=p("trust") options=trusts
            read=move |d| d.zones.get(&n.get_value()).map(|z| z.trust.as_str().to_string()).unwrap_or_default()
            write=move |d, v| {
                let t = match v.as_str() { "public" => Trust::Public, "internal" => Trust::Internal, "restricted" => Trust::Restricted, _ => Trust::Vault };
                zone_mut(d, &n.get_value()).map(|z| z.trust = t).is_some()
            } />
        <Text ed label="Subnet (IPv4 CIDR; empty = allocate)" path=p("subnet") placeholder="172.30.5.0/24"
            read=move |d| d.zones.get(&n.get_value()).and_then(|z| z.subnet.clone()).unwrap_or_default()
            write=move |d, v| zone_mut(d, &n.get_value()).map(|z| z.subnet = opt(&v)).is_some() />
        <Text ed label="Gateway (empty = first address)" path=p("gateway")
            read=move |d| d.zones.get(&n.get_value()).and_then(|z| z.gateway.clone()).unwrap_or_default()
            write=move |d, v| zone_mut(d, &n.get_value()).map(|z| z.gateway = opt(&v)).is_some() />
        <Check ed label="internal: no route out" path=p("internal")
            read=move |d| d.zones.get(&n.get_value()).is_some_and(|z| z.internal)
            write=move |d, v| zone_mut(d, &n.get_value()).map(|z| z.internal = v).is_some() />
        <Check ed label="isolated: members talk only along flows" path=p("isolated")
            read=move |d| d.zones.get(&n.get_value()).is_some_and(|z| z.isolated)
            write=move |d, v| zone_mut(d, &n.get_value()).map(|z| z.isolated = v).is_some() />
        <Choice ed label="Mode of the rules between members (isolation, deny flows)" path=p("mode")
            options=vec![
                ("".into(), "as the design".into()),
                ("enforce".into(), "enforce: drop".into()),
                ("observe".into(), "observe: log, count and let through".into()),
            ]
            read=move |d| d.zones.get(&n.get_value()).and_then(|z| z.mode).map(|m| m.as_str().to_string()).unwrap_or_default()
            write=move |d, v| zone_mut(d, &n.get_value()).map(|z| z.mode = mode_of(&v)).is_some() />
        <Text ed label="Bridge name (≤ 15 characters; empty = derived)" path=p("bridge")
            read=move |d| d.zones.get(&n.get_value()).and_then(|z| z.bridge.clone()).unwrap_or_default()
            write=move |d, v| zone_mut(d, &n.get_value()).map(|z| z.bridge = opt(&v)).is_some() />
        <Choice ed label="Driver" path=p("driver")
            options=vec![("bridge".into(), "bridge".into()), ("overlay".into(), "overlay (Swarm)".into())]
            read=move |d| d.zones.get(&n.get_value()).map(|z| z.driver.unwrap_or_default().as_str().to_string()).unwrap_or_default()
            write=move |d, v| zone_mut(d, &n.get_value()).map(|z| z.driver = (v == "overlay").then_some(Driver::Overlay)).is_some() />
        <p class="muted small">"Members: " {members}</p>
        <Accepts ed owner=Owner::Zone name=n />
    }
}

#[component]
fn ServiceProps(ed: Ed, name: String) -> impl IntoView {
    let n = StoredValue::new(name.clone());
    let p = move |f: &str| format!("services.{}.{f}", n.get_value());
    let ph = move |f: &str| format!("services.{}.hardening.{f}", n.get_value());
    let rename_error = RwSignal::new(None::<String>);
    let rename = move |ev: leptos::ev::Event| {
        let new = event_target_value(&ev).trim().to_string();
        let old = n.get_value();
        let mut result = Ok(());
        ed.apply(|d, _| {
            result = edit::rename_service(d, &old, &new);
            result.is_ok()
        });
        match result {
            Ok(()) => {
                rename_error.set(None);
                ed.selection.set(Selection::Service(new, None));
            }
            Err(e) => rename_error.set(Some(e)),
        }
    };
    let svc = move |d: &RawDesign| d.services.get(&n.get_value()).cloned().unwrap_or_default();
    let hard = move |d: &RawDesign| svc(d).hardening.unwrap_or_default();
    let memberships = move || {
        ed.doc.with(|d| {
            d.services
                .get(&n.get_value())
                .map(|s| s.zones.0.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let name_error = super::fields::problem(ed, format!("services.{name}"));
    view! {
        <h2>"Service"</h2>
        <label class="field" class:invalid=move || rename_error.get().is_some()>
            "Name"
            <input data-field="service-name" prop:value=name.clone() on:change=rename disabled=move || ed.readonly.get() />
            {move || rename_error.get().or(name_error.get()).map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </label>
        <Text ed label="Image" path=p("image") placeholder="nginx:1.27"
            read=move |d| svc(d).image.unwrap_or_default()
            write=move |d, v| svc_mut(d, &n.get_value()).map(|s| s.image = opt(&v)).is_some() />
        <Text ed label="Network mode (bridged, closed, host, container:NAME)" path=p("network") placeholder="bridged"
            read=move |d| svc(d).network.unwrap_or_default()
            write=move |d, v| svc_mut(d, &n.get_value()).map(|s| s.network = opt(&v)).is_some() />
        <Text ed label="Published ports (e.g. 127.0.0.1:8080:80/tcp)" path=p("ports")
            read={move |d| svc(d).ports.iter().map(|s| s.as_str().to_string()).collect::<Vec<_>>().join(", ")}
            write=move |d, v| svc_mut(d, &n.get_value()).map(|s| s.ports = split(&v).unwrap_or_default().iter().map(|x| Scalar::from(x.as_str())).collect()).is_some() />
        <fieldset class="memberships">
            <legend>"Zones"</legend>
            {move || memberships().into_iter().map(|z| {
                let z2 = z.clone();
                let z3 = z.clone();
                view! {
                    <div class="membership">
                        <span class="zone-chip">{z.clone()}</span>
                        <Text ed label="Static IPv4 (empty = allocated)" path=format!("services.{}.zones.{z}.ipv4", n.get_value())
                            read=move |d| d.services.get(&n.get_value()).and_then(|s| s.zones.0.get(&z2)).and_then(|m| m.ipv4.clone()).unwrap_or_default()
                            write=move |d, v| svc_mut(d, &n.get_value()).and_then(|s| s.zones.0.get_mut(&z3)).map(|m| m.ipv4 = opt(&v)).is_some() />
                        <button type="button" class="btn btn-small btn-quiet" disabled=move || ed.readonly.get()
                            on:click={
                                let z = z.clone();
                                move |_| { ed.apply(|d, _| edit::leave_zone(d, &n.get_value(), &z)); }
                            }>{format!("Leave {z}")}</button>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        <fieldset class="hardening">
            <legend>"Hardening (over the design's defaults)"</legend>
            <Text ed label="User" path=ph("user") placeholder="1000:1000"
                read=move |d| hard(d).user.map(|u| u.0).unwrap_or_default()
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.user = opt(&v).map(Scalar)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Choice ed label="Read-only root filesystem" path=ph("read_only") options=tri_options()
                read=move |d| tri_read(hard(d).read_only)
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.read_only = tri_write(&v)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Text ed label="Capabilities dropped" path=ph("cap_drop") placeholder="ALL"
                read=move |d| join(hard(d).cap_drop.as_ref())
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.cap_drop = split(&v)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Text ed label="Capabilities added" path=ph("cap_add") placeholder="NET_BIND_SERVICE"
                read=move |d| join(hard(d).cap_add.as_ref())
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.cap_add = split(&v)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Choice ed label="No new privileges" path=ph("no_new_privileges") options=tri_options()
                read=move |d| tri_read(hard(d).no_new_privileges)
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.no_new_privileges = tri_write(&v)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Choice ed label="Privileged" path=ph("privileged") options=tri_options()
                read=move |d| tri_read(hard(d).privileged)
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.privileged = tri_write(&v)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Text ed label="tmpfs mounts" path=ph("tmpfs") placeholder="/tmp:size=64m"
                read=move |d| join(hard(d).tmpfs.as_ref())
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.tmpfs = split(&v)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Text ed label="Process limit" path=ph("pids_limit") placeholder="256"
                read=move |d| hard(d).pids_limit.map(|x| x.to_string()).unwrap_or_default()
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.pids_limit = v.trim().parse().ok()).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Text ed label="Memory limit" path=ph("memory") placeholder="512m"
                read=move |d| hard(d).memory.map(|x| x.0).unwrap_or_default()
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.memory = opt(&v).map(Scalar)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Text ed label="CPU limit" path=ph("cpus") placeholder="0.5"
                read=move |d| hard(d).cpus.map(|x| x.0).unwrap_or_default()
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.cpus = opt(&v).map(Scalar)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
            <Text ed label="Security options" path=ph("security_opt") placeholder="apparmor=docker-default"
                read=move |d| join(hard(d).security_opt.as_ref())
                write=move |d, v| { let ok = hard_mut(d, &n.get_value()).map(|h| h.security_opt = split(&v)).is_some(); tidy_hardening(d, &n.get_value()); ok } />
        </fieldset>
        <Accepts ed owner=Owner::Service name=n />
        <p class="muted small">"Other Compose keys (environment, volumes, command…) are edited in the YAML tab under compose:."</p>
        <div class="row">
            <button type="button" class="btn btn-small" data-test="cmd-move" disabled=move || ed.readonly.get()
                on:click=move |_| ed.pending.set(Some(Pending::MoveTo { service: n.get_value(), from: match ed.selection.get_untracked() { Selection::Service(_, z) => z, _ => None } }))>"Move to zone… (m)"</button>
            <button type="button" class="btn btn-small" data-test="cmd-join" disabled=move || ed.readonly.get()
                on:click=move |_| ed.pending.set(Some(Pending::AlsoJoin { service: n.get_value() }))>"Also join… (j)"</button>
            <button type="button" class="btn btn-small" data-test="cmd-flow" disabled=move || ed.readonly.get()
                on:click=move |_| ed.pending.set(Some(Pending::FlowTo { from: n.get_value(), to: None }))>"Add flow to… (f)"</button>
        </div>
    }
}

#[component]
fn FlowProps(ed: Ed, index: usize) -> impl IntoView {
    let p = move |f: &str| format!("flows[{index}].{f}");
    let names = ed.doc.with_untracked(|d| {
        d.services
            .0
            .keys()
            .chain(d.zones.0.keys())
            .map(|k| (k.clone(), k.clone()))
            .collect::<Vec<_>>()
    });
    let flow = move |d: &RawDesign| d.flows.get(index).cloned();
    view! {
        <h2>{format!("Flow {}", index + 1)}</h2>
        <Choice ed label="From" path=p("from") options=names.clone()
            read=move |d| flow(d).map(|f| f.from).unwrap_or_default()
            write=move |d, v| d.flows.get_mut(index).map(|f| f.from = v).is_some() />
        <Choice ed label="To" path=p("to") options=names
            read=move |d| flow(d).map(|f| f.to).unwrap_or_default()
            write=move |d, v| d.flows.get_mut(index).map(|f| f.to = v).is_some() />
        <Text ed label="Ports (empty = any)" path=p("ports") placeholder="tcp/5432"
            read=move |d| scalars(flow(d).and_then(|f| f.ports).as_ref())
            write=move |d, v| d.flows.get_mut(index).map(|f| f.ports = edit::parse_ports(&v)).is_some() />
        <Choice ed label="Action" path=p("action")
            options=vec![("allow".into(), "allow".into()), ("deny".into(), "deny".into())]
            read=move |d| flow(d).map(|f| f.action.unwrap_or_default().as_str().to_string()).unwrap_or_default()
            write=move |d, v| d.flows.get_mut(index).map(|f| f.action = (v == "deny").then_some(Action::Deny)).is_some() />
        <Check ed label="Through the host, to ports the target publishes (via: host)" path=p("via")
            read=move |d| flow(d).is_some_and(|f| f.via == Some(Via::Host))
            write=move |d, v| d.flows.get_mut(index).map(|f| f.via = v.then_some(Via::Host)).is_some() />
        <Check ed label="Log matching connections" path=p("log")
            read=move |d| flow(d).is_some_and(|f| f.log)
            write=move |d, v| d.flows.get_mut(index).map(|f| f.log = v).is_some() />
        <Text ed label="Note" path=p("note")
            read=move |d| flow(d).and_then(|f| f.note).unwrap_or_default()
            write=move |d, v| d.flows.get_mut(index).map(|f| f.note = opt(&v)).is_some() />
    }
}
