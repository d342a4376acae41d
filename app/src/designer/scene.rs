//! Where things are drawn: zone areas from the saved layout (or a default grid), service cards
//! laid out inside their zones, flow arrows between cards. Pure, so it is the same on the
//! server render and in the browser.

use design::raw::{Action, PolicyMode, RawDesign, Trust};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const CARD_W: f64 = 150.0;
pub const CARD_H: f64 = 58.0;
const GAP: f64 = 12.0;
const PAD: f64 = 14.0;
const HEAD: f64 = 50.0;
pub const ZONE_W: f64 = 340.0;
const MIN_ZONE_H: f64 = 150.0;
const GRID_X: f64 = 360.0;
/// Zones side by side in the default layout (two fit the canvas of a laptop screen).
const GRID_COLS: usize = 2;
const GRID_Y: f64 = 290.0;

/// A zone's position and width, kept beside the revision (not in the design file).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
}

/// The positions the team arranged; zones without one get a grid slot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    #[serde(default)]
    pub zones: BTreeMap<String, ZoneBox>,
}

impl Layout {
    pub fn parse(text: &str) -> Layout {
        // The page's one JSON reader (see `crate::loaded`).
        serde_json::from_slice(text.as_bytes()).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ZoneArea {
    pub name: String,
    pub trust: Trust,
    pub internal: bool,
    pub isolated: bool,
    /// In observe mode (its own `mode`, or the design's): its drops log and let through.
    pub observe: bool,
    pub subnet: Option<String>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    pub service: String,
    /// `None` for services in no zone (closed, host, joined).
    pub zone: Option<String>,
    pub image: String,
    pub network: Option<String>,
    /// How many zones the service joins; more than one makes it a gateway.
    pub zones: usize,
    pub x: f64,
    pub y: f64,
}

/// A coordinate in whole pixels, as the page draws it (the page never formats a float: that
/// would bring float printing into the WebAssembly).
pub fn px(v: f64) -> i64 {
    v.round() as i64
}

/// What a zone's view shows besides its geometry.
pub type ZoneKey = (String, Trust, bool, bool, bool, Option<String>);
/// What a card's view shows besides its position.
pub type CardKey = (String, Option<String>, String, Option<String>, usize);

impl ZoneArea {
    /// The zone's view is rebuilt only when this changes; its geometry is updated in place.
    pub fn key(&self) -> ZoneKey {
        (
            self.name.clone(),
            self.trust,
            self.internal,
            self.isolated,
            self.observe,
            self.subnet.clone(),
        )
    }

    /// Left, top, width and height in whole pixels.
    pub fn geometry(&self) -> [i64; 4] {
        [px(self.x), px(self.y), px(self.w), px(self.h)]
    }
}

impl Card {
    /// The card's view is rebuilt only when this changes; its position is updated in place.
    pub fn key(&self) -> CardKey {
        (
            self.service.clone(),
            self.zone.clone(),
            self.image.clone(),
            self.network.clone(),
            self.zones,
        )
    }

    /// Left and top in whole pixels.
    pub fn position(&self) -> [i64; 2] {
        [px(self.x), px(self.y)]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub index: usize,
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub label: String,
    pub deny: bool,
    /// The centre of its label, and the label's width (see `labels.rs`).
    pub label_at: (f64, f64),
    pub label_w: f64,
}

impl Arrow {
    /// Everything an arrow's view shows: an arrow is redrawn only when this changes.
    pub fn key(&self) -> (usize, String, bool, [i64; 6]) {
        (
            self.index,
            self.label.clone(),
            self.deny,
            [
                px(self.from.0),
                px(self.from.1),
                px(self.to.0),
                px(self.to.1),
                px(self.label_at.0),
                px(self.label_at.1),
            ],
        )
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scene {
    pub zones: Vec<ZoneArea>,
    pub cards: Vec<Card>,
    pub arrows: Vec<Arrow>,
    /// Dashed links between the cards of one gateway.
    pub links: Vec<((f64, f64), (f64, f64))>,
    pub width: f64,
    pub height: f64,
}

fn center(c: &Card) -> (f64, f64) {
    (c.x + CARD_W / 2.0, c.y + CARD_H / 2.0)
}

/// The default slot of the `i`-th zone.
pub fn grid_slot(i: usize) -> ZoneBox {
    ZoneBox {
        x: 20.0 + (i % GRID_COLS) as f64 * GRID_X,
        y: 20.0 + (i / GRID_COLS) as f64 * GRID_Y,
        w: ZONE_W,
    }
}

pub fn compute(doc: &RawDesign, layout: &Layout, allocated: &BTreeMap<String, String>) -> Scene {
    let mut scene = Scene::default();
    for (i, (name, zone)) in doc.zones.iter().enumerate() {
        let b = layout
            .zones
            .get(name)
            .copied()
            .unwrap_or_else(|| grid_slot(i));
        let w = b.w.max(CARD_W + 2.0 * PAD);
        let cols = (((w - 2.0 * PAD + GAP) / (CARD_W + GAP)).floor() as usize).max(1);
        let members: Vec<(&String, &design::raw::RawService)> = doc
            .services
            .iter()
            .filter(|(_, s)| s.zones.0.contains_key(name))
            .collect();
        for (k, (sname, s)) in members.iter().enumerate() {
            scene.cards.push(Card {
                service: (*sname).clone(),
                zone: Some(name.clone()),
                image: s.image.clone().unwrap_or_default(),
                network: s.network.clone(),
                zones: s.zones.0.len(),
                x: b.x + PAD + (k % cols) as f64 * (CARD_W + GAP),
                y: b.y + HEAD + (k / cols) as f64 * (CARD_H + GAP),
            });
        }
        let rows = members.len().div_ceil(cols).max(1);
        let h = (HEAD + rows as f64 * (CARD_H + GAP) + PAD).max(MIN_ZONE_H);
        scene.zones.push(ZoneArea {
            name: name.clone(),
            trust: zone.trust,
            internal: zone.internal,
            isolated: zone.isolated,
            observe: zone.mode.or(doc.mode) == Some(PolicyMode::Observe),
            subnet: zone.subnet.clone().or_else(|| allocated.get(name).cloned()),
            x: b.x,
            y: b.y,
            w,
            h,
        });
    }
    let bottom = scene.zones.iter().map(|z| z.y + z.h).fold(0.0, f64::max);
    let outside: Vec<_> = doc
        .services
        .iter()
        .filter(|(_, s)| s.zones.is_empty())
        .collect();
    for (k, (sname, s)) in outside.iter().enumerate() {
        scene.cards.push(Card {
            service: (*sname).clone(),
            zone: None,
            image: s.image.clone().unwrap_or_default(),
            network: s.network.clone(),
            zones: 0,
            x: 20.0 + k as f64 * (CARD_W + GAP),
            y: bottom + 40.0,
        });
    }

    for (sname, s) in doc.services.iter() {
        if s.zones.0.len() > 1 {
            let cs: Vec<&Card> = scene.cards.iter().filter(|c| &c.service == sname).collect();
            for pair in cs.windows(2) {
                scene.links.push((center(pair[0]), center(pair[1])));
            }
        }
    }

    let mut taken = Vec::new();
    for (index, f) in doc.flows.iter().enumerate() {
        let Some((a, b)) = endpoints(&scene, &f.from, &f.to) else {
            continue;
        };
        let (a, b) = clip(a, b);
        let deny = f.action == Some(Action::Deny);
        let ports = match &f.ports {
            None => "any".to_string(),
            Some(p) => p.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
        };
        let label = match (deny, f.via == Some(design::raw::Via::Host)) {
            (true, _) => format!("deny {ports}"),
            (false, true) => format!("via host {ports}"),
            (false, false) => ports,
        };
        let label_w = super::labels::label_width(&label);
        let label_at = super::labels::place(a, b, label_w, &scene.cards, &mut taken);
        scene.arrows.push(Arrow {
            index,
            from: a,
            to: b,
            label,
            deny,
            label_at,
            label_w,
        });
    }

    scene.width = scene
        .zones
        .iter()
        .map(|z| z.x + z.w)
        .chain(scene.cards.iter().map(|c| c.x + CARD_W))
        .fold(900.0, f64::max)
        + 40.0;
    scene.height = scene
        .zones
        .iter()
        .map(|z| z.y + z.h)
        .chain(scene.cards.iter().map(|c| c.y + CARD_H))
        .fold(500.0, f64::max)
        + 60.0;
    scene
}

/// Shortens a centre-to-centre line so that it starts and ends at the cards' edges: arrows
/// never cover a card (and never catch the pointer meant for it).
fn clip(a: (f64, f64), b: (f64, f64)) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return (a, b);
    }
    let (hw, hh) = (CARD_W / 2.0 + 4.0, CARD_H / 2.0 + 4.0);
    let t = f64::min(
        if dx.abs() > 1e-9 {
            hw / dx.abs()
        } else {
            f64::INFINITY
        },
        if dy.abs() > 1e-9 {
            hh / dy.abs()
        } else {
            f64::INFINITY
        },
    );
    if t >= 0.5 {
        // The cards overlap along this line: draw nothing rather than cover them.
        return (a, a);
    }
    ((a.0 + dx * t, a.1 + dy * t), (b.0 - dx * t, b.1 - dy * t))
}

/// The points an arrow joins: the cards of two services (in a shared zone when they have
/// one), or a zone's area for a flow naming a zone.
fn endpoints(scene: &Scene, from: &str, to: &str) -> Option<((f64, f64), (f64, f64))> {
    fn cards_of<'s>(scene: &'s Scene, n: &'s str) -> impl Iterator<Item = &'s Card> + 's {
        scene.cards.iter().filter(move |c| c.service == n)
    }
    let cards = |n: &str| -> Vec<Card> { cards_of(scene, n).cloned().collect() };
    let zone = |n: &str| {
        scene
            .zones
            .iter()
            .find(|z| z.name == n)
            .map(|z| (z.x + z.w / 2.0, z.y + 24.0))
    };
    let (fs, ts) = (cards(from), cards(to));
    let shared = fs.iter().find_map(|a| {
        ts.iter()
            .find(|b| a.zone.is_some() && b.zone == a.zone)
            .map(|b| (center(a), center(b)))
    });
    if shared.is_some() {
        return shared;
    }
    let a = fs.first().map(center).or_else(|| zone(from))?;
    let b = ts.first().map(center).or_else(|| zone(to))?;
    Some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every membership gets a card inside its zone's area; gateways are linked; every flow
    /// between drawn services gets an arrow.
    #[test]
    fn three_tier_scene() {
        let doc = design::parse_document(design::templates::get("three-tier").unwrap()).unwrap();
        let s = compute(&doc, &Layout::default(), &BTreeMap::new());
        assert_eq!(s.zones.len(), 3);
        assert_eq!(s.cards.len(), 7, "lb, frontend x2, api x2, postgres, cache");
        for c in &s.cards {
            let z = s
                .zones
                .iter()
                .find(|z| Some(&z.name) == c.zone.as_ref())
                .unwrap();
            assert!(
                c.x >= z.x && c.x + CARD_W <= z.x + z.w + 0.1,
                "{c:?} in {z:?}"
            );
            assert!(c.y >= z.y && c.y + CARD_H <= z.y + z.h, "{c:?} in {z:?}");
        }
        assert_eq!(s.links.len(), 2);
        assert_eq!(s.arrows.len(), 2);
        assert_eq!(s.arrows[0].label, "tcp/5432");
        // No label sits on a card (`tcp/5432` once covered the postgres card's name).
        for ar in &s.arrows {
            let (cx, cy) = ar.label_at;
            let (l, t, r, b) = (
                cx - ar.label_w / 2.0,
                cy - super::super::labels::LABEL_H / 2.0,
                cx + ar.label_w / 2.0,
                cy + super::super::labels::LABEL_H / 2.0,
            );
            for c in &s.cards {
                let clear = r <= c.x || l >= c.x + CARD_W || b <= c.y || t >= c.y + CARD_H;
                assert!(
                    clear,
                    "label {} at {:?} covers {c:?}",
                    ar.label, ar.label_at
                );
            }
        }
    }
}
