//! The designer's state: the document and layout being edited, their history, the selection,
//! and the live analysis derived from them.

use super::analysis::Analysis;
use super::scene::{Layout, Scene};
use design::RawDesign;
use leptos::prelude::*;

/// What is selected on the canvas.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Selection {
    #[default]
    Design,
    Zone(String),
    /// A service, and the zone of the card it was selected by.
    Service(String, Option<String>),
    Flow(usize),
}

impl Selection {
    /// A selection named in a link (`zone:NAME`, `service:NAME`, `flow:N`, as a change
    /// request's comment anchors it), if `doc` has what it names.
    pub fn from_link(text: &str, doc: &RawDesign) -> Option<Selection> {
        let (kind, key) = text.split_once(':')?;
        match kind {
            "zone" => doc.zones.get(key).map(|_| Selection::Zone(key.to_owned())),
            "service" => doc
                .services
                .get(key)
                .map(|_| Selection::Service(key.to_owned(), None)),
            "flow" => key
                .parse::<usize>()
                .ok()
                .filter(|i| *i < doc.flows.len())
                .map(Selection::Flow),
            _ => None,
        }
    }
}

/// A keyboard command waiting for its target, or a flow drawn and waiting for its ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    MoveTo {
        service: String,
        from: Option<String>,
    },
    AlsoJoin {
        service: String,
    },
    FlowTo {
        from: String,
        to: Option<String>,
    },
}

type Snapshot = (RawDesign, Layout);

#[derive(Clone, Copy)]
pub struct Ed {
    pub doc: RwSignal<RawDesign>,
    pub layout: RwSignal<Layout>,
    pub selection: RwSignal<Selection>,
    pub pending: RwSignal<Option<Pending>>,
    pub notice: RwSignal<Option<String>>,
    pub analysis: Memo<Analysis>,
    pub scene: Memo<Scene>,
    pub readonly: Signal<bool>,
    undo: StoredValue<Vec<Snapshot>>,
    redo: StoredValue<Vec<Snapshot>>,
    /// The field the last edit came from: edits from the same field while typing share one
    /// undo step.
    last_key: StoredValue<Option<String>>,
    pub can_undo: RwSignal<bool>,
    pub can_redo: RwSignal<bool>,
}

impl Ed {
    pub fn new(doc: RawDesign, layout: Layout, readonly: Signal<bool>) -> Ed {
        let doc = RwSignal::new(doc);
        let layout = RwSignal::new(layout);
        let analysis = Memo::new(move |_| doc.with(Analysis::of));
        let scene = Memo::new(move |_| {
            analysis
                .with(|a| doc.with(|d| layout.with(|l| super::scene::compute(d, l, &a.subnets))))
        });
        Ed {
            doc,
            layout,
            selection: RwSignal::new(Selection::Design),
            pending: RwSignal::new(None),
            notice: RwSignal::new(None),
            analysis,
            scene,
            readonly,
            undo: StoredValue::new(Vec::new()),
            redo: StoredValue::new(Vec::new()),
            last_key: StoredValue::new(None),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
        }
    }

    fn snapshot(&self) -> Snapshot {
        (self.doc.get_untracked(), self.layout.get_untracked())
    }

    fn push_undo(&self, snap: Snapshot) {
        self.undo.update_value(|u| {
            u.push(snap);
            if u.len() > 500 {
                u.remove(0);
            }
        });
        self.redo.update_value(Vec::clear);
        self.can_undo.set(true);
        self.can_redo.set(false);
    }

    /// Applies an edit; a change becomes one undo step. Returns whether anything changed.
    pub fn apply(
        &self,
        edit: impl FnOnce(&mut RawDesign, &mut super::scene::Layout) -> bool,
    ) -> bool {
        self.apply_keyed(None, edit)
    }

    /// Like [`Ed::apply`], but consecutive edits with the same `key` share one undo step.
    pub fn apply_keyed(
        &self,
        key: Option<&str>,
        edit: impl FnOnce(&mut RawDesign, &mut super::scene::Layout) -> bool,
    ) -> bool {
        // One non-generic body for the many edits of the page.
        let mut edit = Some(edit);
        self.apply_with(key, &mut |d, l| edit.take().is_some_and(|e| e(d, l)))
    }

    fn apply_with(
        &self,
        key: Option<&str>,
        edit: &mut dyn FnMut(&mut RawDesign, &mut super::scene::Layout) -> bool,
    ) -> bool {
        if self.readonly.get_untracked() {
            self.notice.set(Some(
                "You can look, but editing needs the editor role.".into(),
            ));
            return false;
        }
        let before = self.snapshot();
        let mut doc = before.0.clone();
        let mut layout = before.1.clone();
        if !edit(&mut doc, &mut layout) || (doc == before.0 && layout == before.1) {
            return false;
        }
        let same_field = key.is_some() && self.last_key.get_value().as_deref() == key;
        if !same_field {
            self.push_undo(before);
        }
        self.last_key.set_value(key.map(str::to_string));
        self.doc.set(doc);
        self.layout.set(layout);
        true
    }

    /// Records the state before a gesture that updated the layout live (a zone drag).
    pub fn record(&self, before: Snapshot) {
        if before != self.snapshot() {
            self.push_undo(before);
            self.last_key.set_value(None);
        }
    }

    pub fn snapshot_now(&self) -> Snapshot {
        self.snapshot()
    }

    pub fn undo(&self) {
        let Some(prev) = self.undo.try_update_value(Vec::pop).flatten() else {
            return;
        };
        let now = self.snapshot();
        self.redo.update_value(|r| r.push(now));
        self.restore(prev);
    }

    pub fn redo(&self) {
        let Some(next) = self.redo.try_update_value(Vec::pop).flatten() else {
            return;
        };
        let now = self.snapshot();
        self.undo.update_value(|u| u.push(now));
        self.restore(next);
    }

    fn restore(&self, (doc, layout): Snapshot) {
        self.last_key.set_value(None);
        self.doc.set(doc);
        self.layout.set(layout);
        self.can_undo.set(self.undo.with_value(|u| !u.is_empty()));
        self.can_redo.set(self.redo.with_value(|r| !r.is_empty()));
        // The selection may name something the restored document lacks.
        let sel = self.selection.get_untracked();
        let exists = self.doc.with_untracked(|d| match &sel {
            Selection::Design => true,
            Selection::Zone(z) => d.zones.get(z).is_some(),
            Selection::Service(s, _) => d.services.get(s).is_some(),
            Selection::Flow(i) => *i < d.flows.len(),
        });
        if !exists {
            self.selection.set(Selection::Design);
        }
    }
}
