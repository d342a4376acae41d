//! Where a flow's label goes: on its arrow, on a background, never over a card. When the
//! arrow between two cards is too short to hold it, the label moves along the arrow, then to
//! either side of it, clear of every card and of the labels placed before it.

use super::scene::{CARD_H, CARD_W, Card};

/// A label's height, and the width of one character of the canvas's 11 px monospace font.
pub const LABEL_H: f64 = 16.0;
const CHAR_W: f64 = 6.8;
/// Room kept between a label and a card.
const MARGIN: f64 = 3.0;

/// The width a label's text takes, padding included.
pub fn label_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_W + 8.0
}

/// A box: left, top, right, bottom.
type Rect = (f64, f64, f64, f64);

fn around(c: (f64, f64), w: f64) -> Rect {
    (
        c.0 - w / 2.0,
        c.1 - LABEL_H / 2.0,
        c.0 + w / 2.0,
        c.1 + LABEL_H / 2.0,
    )
}

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn card_box(c: &Card) -> Rect {
    (
        c.x - MARGIN,
        c.y - MARGIN,
        c.x + CARD_W + MARGIN,
        c.y + CARD_H + MARGIN,
    )
}

/// The centre of a label `w` wide for the arrow from `a` to `b`: the first candidate clear of
/// `cards` and of the boxes in `taken` (to which its own box is added); the arrow's middle
/// when none is.
pub fn place(
    a: (f64, f64),
    b: (f64, f64),
    w: f64,
    cards: &[Card],
    taken: &mut Vec<Rect>,
) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    // The unit normal: to either side of the arrow.
    let (nx, ny) = (-dy / len, dx / len);
    let at = |t: f64| (a.0 + dx * t, a.1 + dy * t);
    let mut candidates = vec![at(0.5), at(0.35), at(0.65), at(0.2), at(0.8)];
    // To the side, far enough to clear a card the arrow runs between: half a card and half
    // the label, measured along the normal.
    let side = nx.abs() * (CARD_W + w) / 2.0 + ny.abs() * (CARD_H + LABEL_H) / 2.0 + MARGIN + 2.0;
    let m = at(0.5);
    for step in [1.0, 1.5, 2.0, 3.0] {
        let off = step * side;
        candidates.push((m.0 + nx * off, m.1 + ny * off));
        candidates.push((m.0 - nx * off, m.1 - ny * off));
    }
    let clear = |c: &(f64, f64)| {
        let r = around(*c, w);
        // Inside the canvas, off every card and every label placed before.
        r.0 >= 0.0
            && r.1 >= 0.0
            && !cards.iter().any(|card| overlaps(r, card_box(card)))
            && !taken.iter().any(|t| overlaps(r, *t))
    };
    let chosen = candidates
        .iter()
        .copied()
        .find(clear)
        .unwrap_or_else(|| at(0.5));
    taken.push(around(chosen, w));
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(x: f64, y: f64) -> Card {
        Card {
            service: String::new(),
            zone: None,
            image: String::new(),
            network: None,
            zones: 1,
            x,
            y,
        }
    }

    #[test]
    fn a_label_between_close_cards_moves_off_them() {
        // Two cards side by side, 20 px apart: the arrow between them is too short.
        let cards = [card(0.0, 0.0), card(CARD_W + 20.0, 0.0)];
        let (a, b) = ((CARD_W + 4.0, 29.0), (CARD_W + 16.0, 29.0));
        let w = label_width("tcp/5432");
        let mut taken = Vec::new();
        let c = place(a, b, w, &cards, &mut taken);
        let r = around(c, w);
        assert!(cards.iter().all(|k| !overlaps(r, card_box(k))), "{c:?}");
        // A second label on the same arrow does not land on the first.
        let d = place(a, b, w, &cards, &mut taken);
        assert!(!overlaps(around(d, w), r), "{c:?} {d:?}");
    }

    #[test]
    fn a_label_between_stacked_cards_goes_beside_them_inside_the_canvas() {
        // One card above the other, 10 px apart, at the canvas's left edge.
        let cards = [card(20.0, 0.0), card(20.0, CARD_H + 10.0)];
        let (a, b) = ((95.0, CARD_H + 4.0), (95.0, CARD_H + 6.0));
        let w = label_width("tcp/6379");
        let c = place(a, b, w, &cards, &mut Vec::new());
        let r = around(c, w);
        assert!(r.0 >= 0.0 && r.1 >= 0.0, "{r:?}");
        assert!(cards.iter().all(|k| !overlaps(r, card_box(k))), "{r:?}");
        // Beside the cards, level with the arrow.
        assert!((c.1 - (CARD_H + 5.0)).abs() < 1.0, "{c:?}");
    }

    #[test]
    fn a_label_on_a_long_arrow_stays_in_its_middle() {
        let cards = [card(0.0, 0.0), card(400.0, 0.0)];
        let mut taken = Vec::new();
        let c = place(
            (154.0, 29.0),
            (396.0, 29.0),
            label_width("tcp/80"),
            &cards,
            &mut taken,
        );
        assert_eq!(c, (275.0, 29.0));
    }
}
