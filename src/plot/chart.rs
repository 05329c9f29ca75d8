//! What every chart is: a size and a drawing on any plotters backend, so
//! one chart renders to SVG and to PNG alike.

use plotters::coord::Shift;
use plotters::prelude::*;

/// The result of drawing on backend `DB`.
pub(super) type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A picture that can be drawn on any backend.
pub(super) trait Chart {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole picture on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}
